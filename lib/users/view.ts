import { toTutorialRoleName } from "../auth/roles.ts";
import type { StoredUser } from "./repository.ts";

/** A user as answers show one: never the hash, roles the tutorials' way (ROLE_USER, …). */
export interface UserView {
  id: number;
  username: string;
  email: string;
  roles: string[];
  createdAt: string;
}

export function toUserView(user: StoredUser): UserView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    roles: user.roles.map(toTutorialRoleName),
    createdAt: user.createdAt.toISOString(),
  };
}
