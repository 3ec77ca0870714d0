import { hashPassword } from "../auth/passwords.ts";
import { ValidationError } from "../errors.ts";
import { assertValid, compileSchema } from "../validation.ts";
import { createUser, findUserByUsername, grantRole } from "./repository.ts";
import { adminSchema, type AdminInput } from "./schemas.ts";

export interface AdminResult {
  id: number;
  username: string;
  roles: string[];
  created: boolean;
}

const validateAdminInput = compileSchema(adminSchema);

/** Makes `username` an admin: creates the user (roles user + admin) or grants admin to an existing one. */
export async function ensureAdmin(input: unknown): Promise<AdminResult> {
  const { username, email, password } = assertValid<AdminInput>(validateAdminInput, input);
  const existing = await findUserByUsername(username);
  if (existing) {
    const user = await grantRole(existing.id, "admin");
    return { id: user.id, username: user.username, roles: user.roles, created: false };
  }
  if (email === undefined || password === undefined) {
    const missing = [email === undefined && "email", password === undefined && "password"].filter(
      (field): field is string => typeof field === "string",
    );
    throw new ValidationError(
      "A new admin needs an email and a password",
      missing.map((field) => ({ field, message: "is required" })),
    );
  }
  const user = await createUser({ username, email, passwordHash: await hashPassword(password), roles: ["user", "admin"] });
  return { id: user.id, username: user.username, roles: user.roles, created: true };
}
