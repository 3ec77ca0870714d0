import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { bearerToken, verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { keyIdOf } from "../../lib/auth/key-ring.ts";
import { signAccessToken } from "../../lib/auth/tokens.ts";
import { UnauthorizedError } from "../../lib/errors.ts";

describe("access tokens", () => {
  it("round-trips the claims", async () => {
    const { accessToken, expiresIn } = await signAccessToken({ userId: 3, username: "ann", roles: ["user", "admin"], emailVerified: false });
    expect(expiresIn).toBe(900);
    expect(await verifyAccessToken(accessToken)).toEqual({ userId: 3, username: "ann", roles: ["user", "admin"], emailVerified: false });
  });

  it("carries email_verified as OpenID Connect names it, and reads its value back", async () => {
    const { accessToken } = await signAccessToken({ userId: 3, username: "ann", roles: ["user"], emailVerified: true });
    expect((jwt.decode(accessToken) as jwt.JwtPayload).email_verified).toBe(true);
    expect(await verifyAccessToken(accessToken)).toMatchObject({ emailVerified: true });
  });

  // lib/auth/jws.ts signs with node:crypto; jsonwebtoken, an implementation of its own, is the judge.
  it("signs tokens jsonwebtoken accepts, with every claim a JWT library checks", async () => {
    // Prepare / Act
    const before = Math.floor(Date.now() / 1000);
    const { accessToken } = await signAccessToken({ userId: 3, username: "ann", roles: ["user", "admin"], emailVerified: false });

    // Assess
    const { header, payload } = jwt.verify(accessToken, process.env.JWT_SECRET!, {
      algorithms: ["HS256"],
      issuer: "serverless-auth-api",
      audience: "serverless-auth-api",
      subject: "3",
      complete: true,
    });
    expect(header).toEqual({ alg: "HS256", typ: "JWT", kid: keyIdOf(process.env.JWT_SECRET!) });
    const { iat, exp, ...claims } = payload as jwt.JwtPayload;
    expect(claims).toEqual({
      username: "ann",
      roles: ["user", "admin"],
      email_verified: false,
      sub: "3",
      iss: "serverless-auth-api",
      aud: "serverless-auth-api",
    });
    expect(iat).toBeGreaterThanOrEqual(before);
    expect(iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(exp! - iat!).toBe(900);
  });

  it("accepts what jsonwebtoken signs with the same claims and key", async () => {
    const token = jwt.sign({ username: "ann", roles: ["moderator"] }, process.env.JWT_SECRET!, {
      algorithm: "HS256",
      keyid: keyIdOf(process.env.JWT_SECRET!),
      subject: "3",
      issuer: "serverless-auth-api",
      audience: "serverless-auth-api",
      expiresIn: 60,
    });

    // A token signed before email_verified existed (or by another signer) reads as not verified.
    expect(await verifyAccessToken(token)).toEqual({ userId: 3, username: "ann", roles: ["moderator"], emailVerified: false });
  });

  it("refuses the same claims signed with HS512: the algorithm is pinned", async () => {
    const { accessToken } = await signAccessToken({ userId: 3, username: "ann", roles: ["user"], emailVerified: false });
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
