import { describe, expect, it } from "vitest";
import { TooManyRequestsError } from "../../lib/errors.ts";

describe("TooManyRequestsError", () => {
  it("is a 429 whose message the client may see", () => {
    const error = new TooManyRequestsError("Too many failed attempts. Try again in 8 seconds.", 8);
    expect(error).toMatchObject({ statusCode: 429, expose: true, retryAfterSeconds: 8, name: "TooManyRequestsError" });
  });

  it.each([
    [0.2, 1],
    [7.01, 8],
    [0, 1],
    [-3, 1],
  ])("carries a Retry-After of whole seconds, at least 1: %d s becomes %i", (seconds, expected) => {
    expect(new TooManyRequestsError("wait", seconds).retryAfterSeconds).toBe(expected);
  });

  it("refuses a wait that is not a number", () => {
    expect(() => new TooManyRequestsError("wait", Number.NaN)).toThrow(RangeError);
  });
});
