import { vi } from "vitest";
import type { PublicJwk } from "../../lib/auth/key-ring.ts";
import type { AccessTokenClaims } from "../../lib/auth/tokens.ts";

// A Lambda container as the key tests see it: the token modules loaded anew, so that it reads its
// key ring itself, from whatever the environment and the mocked Secrets Manager hold now.

/** The claims every key test signs. */
export const MONA: AccessTokenClaims = { userId: 42, username: "mona", roles: ["user"], emailVerified: false };

export interface Container {
  /** A token for MONA, signed as signin would sign it. */
  sign(): Promise<string>;
  verify(token: string): Promise<AccessTokenClaims>;
  publishedKeys(): Promise<PublicJwk[]>;
}

/** A cold container: modules loaded anew, nothing read yet. */
export async function newContainer(): Promise<Container> {
  vi.resetModules();
  const { signAccessToken } = await import("../../lib/auth/tokens.ts");
  const { verifyAccessToken } = await import("../../lib/auth/token-verification.ts");
  const { publishedKeys } = await import("../../lib/auth/key-ring.ts");
  return { sign: async () => (await signAccessToken(MONA)).accessToken, verify: verifyAccessToken, publishedKeys };
}
