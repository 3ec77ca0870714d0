import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { bearerToken, verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { signAccessToken } from "../../lib/auth/tokens.ts";
import { UnauthorizedError } from "../../lib/errors.ts";

describe("access tokens", () => {
  it("round-trips the claims", async () => {
    const { accessToken, expiresIn } = await signAccessToken({ userId: 3, username: "ann", roles: ["user", "admin"] });
    expect(expiresIn).toBe(900);
    expect(await verifyAccessToken(accessToken)).toEqual({ userId: 3, username: "ann", roles: ["user", "admin"] });
  });

  it("refuses the same claims signed with HS512: the algorithm is pinned", async () => {
    const { accessToken } = await signAccessToken({ userId: 3, username: "ann", roles: ["user"] });
    const payload = jwt.decode(accessToken) as jwt.JwtPayload;
    const hs512 = jwt.sign(payload, process.env.JWT_SECRET!, { algorithm: "HS512" });
    await expect(verifyAccessToken(hs512)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it.each([
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    ["bearer abc.def.ghi", "abc.def.ghi"],
    ["Bearer   abc.def.ghi  ", "abc.def.ghi"],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    ["Basic abc", undefined],
    ["abc.def.ghi", undefined],
    [undefined, undefined],
  ])("reads %j as token %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
