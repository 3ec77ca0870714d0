import { signAccessToken } from "../auth/tokens.ts";
import type { StoredUser } from "../users/repository.ts";

export type { TokenPair } from "./responses.ts";

/** An access token for the user's roles as stored; `maxSeconds` caps its life (a session's remaining time). */
export async function accessTokenFor(user: StoredUser, maxSeconds?: number): Promise<{ accessToken: string; expiresIn: number }> {
  return signAccessToken({ userId: user.id, username: user.username, roles: user.roles, emailVerified: user.emailVerified }, maxSeconds);
}

export function secondsUntil(moment: Date, now: Date): number {
  return Math.max(0, Math.floor((moment.getTime() - now.getTime()) / 1000));
}
