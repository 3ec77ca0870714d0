import { describe, expect, it } from "vitest";
import { postmanCollection } from "../support/postman.ts";
import { fixtureDocument } from "./openapi-fixture.ts";

describe("postmanCollection", () => {
  it("converts a 3.1 description into one request per operation", async () => {
    const requests = await postmanCollection(fixtureDocument());
    expect(requests.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      "DELETE /api/sessions/:id",
      "GET /api/board",
      "GET /api/users",
      "POST /api/sessions",
      "PUT /api/users/:id/roles",
      "PUT /api/users/me/roles",
    ]);
  });

  it("refuses what is not OpenAPI", async () => {
    await expect(postmanCollection({ hello: "world" })).rejects.toThrow(/did not convert/);
  });
});
