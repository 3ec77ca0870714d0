import { toTutorialRoleName } from "../auth/roles.ts";
import type { UserView } from "./responses.ts";
import type { StoredUser } from "./repository.ts";

export type { UserView } from "./responses.ts";

export function toUserView(user: StoredUser): UserView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    roles: user.roles.map(toTutorialRoleName),
    createdAt: user.createdAt.toISOString(),
  };
}
