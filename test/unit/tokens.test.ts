import { createPublicKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";
import { bearerToken, verifyAccessToken } from "../../lib/auth/token-verification.ts";
import { jwkThumbprint, keyIdOf } from "../../lib/auth/key-ring.ts";
import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";
import { resetConfig } from "../../lib/config/environment.ts";
import { signAccessToken } from "../../lib/auth/tokens.ts";
import { UnauthorizedError } from "../../lib/errors.ts";

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

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
  it.each([
    { alg: "RS256", key: () => newSigningKeyPem("RS256") },
    { alg: "ES256", key: () => newSigningKeyPem("ES256") },
    { alg: "HS256", key: () => process.env.JWT_SECRET! },
  ] as const)("signs $alg tokens jsonwebtoken accepts, with every claim a JWT library checks", async ({ alg, key }) => {
    // Prepare
    process.env.ACCESS_TOKEN_ALG = alg;
    const signingKey = key();
    if (alg !== "HS256") process.env.JWT_PRIVATE_KEY = signingKey;
    resetConfig();
    const verificationKey = alg === "HS256" ? signingKey : createPublicKey(signingKey).export({ type: "spki", format: "pem" });
    const kid = alg === "HS256" ? keyIdOf(signingKey) : jwkThumbprint(createPublicKey(signingKey).export({ format: "jwk" }));
    const before = Math.floor(Date.now() / 1000);

    // Act
    const { accessToken } = await signAccessToken({ userId: 3, username: "ann", roles: ["user", "admin"], emailVerified: false });

    // Assess
    const { header, payload } = jwt.verify(accessToken, verificationKey, {
      algorithms: [alg],
      issuer: "serverless-auth-api",
      audience: "serverless-auth-api",
      subject: "3",
      complete: true,
    });
    expect(header).toEqual({ alg, typ: "JWT", kid });
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
