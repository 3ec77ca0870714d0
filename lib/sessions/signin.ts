import { UnauthorizedError } from "../errors.ts";
import type { SigninInput } from "./schemas.ts";
import { findUserByUsername } from "../users/repository.ts";
import { fitsBcrypt, verifyPassword } from "../auth/passwords.ts";
import { toTutorialRoleName } from "../auth/roles.ts";
import { signAccessToken } from "../auth/tokens.ts";

export interface Session {
  id: number;
  username: string;
  email: string;
  roles: string[];
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

const INVALID_CREDENTIALS = "Invalid username or password";

/** Unknown user and wrong password are one answer, and cost one bcrypt comparison each. */
export async function signIn(input: SigninInput): Promise<Session> {
  const user = await findUserByUsername(input.username);
  // bcrypt ignores bytes past 72, so a longer password could otherwise match on its prefix alone.
  const matches = await verifyPassword(input.password, user?.passwordHash);
  if (!user || !matches || !fitsBcrypt(input.password)) throw new UnauthorizedError(INVALID_CREDENTIALS);

  const { accessToken, expiresIn } = await signAccessToken({ userId: user.id, username: user.username, roles: user.roles });
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    roles: user.roles.map(toTutorialRoleName),
    accessToken,
    tokenType: "Bearer",
    expiresIn,
  };
}
