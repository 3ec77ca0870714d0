import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { effectiveRoles, toTutorialRoleName, type RoleName } from "../auth/roles.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { assertValidInput, inputCheckFor } from "../validation/input-check.ts";
import { IS_REQUIRED } from "../validation/field-errors.ts";
import { wakeMailSender } from "../mail/wake-sender.ts";
import { createUser, findUserByUsername, grantRole, queueVerificationMail, type StoredUser } from "./repository.ts";
import { adminSchema, newUsernameSchema, type AdminInput } from "./schemas.ts";

// The operator's createAdmin: public signup can never grant admin. Two explicit forms, so that an
// account someone else signed up under a look-alike name is never promoted by mistake:
//   create:  {"username", "email", "password"}  fails if any account holds that name or email
//   promote: {"username", "promote": true}      the account whose name matches exactly
// Both are idempotent, so a deploy script may run them every time: repeating a call that
// succeeded changes nothing and answers "unchanged".

export interface AdminResult {
  id: number;
  username: string;
  email: string;
  /** As every answer shows them: ROLE_USER, … */
  roles: string[];
  action: "created" | "promoted" | "unchanged";
}

const checkAdminInput = inputCheckFor(adminSchema);
const checkNewUsername = inputCheckFor(newUsernameSchema);

// No double quotes in messages: `sls invoke` prints them inside JSON, escaped.
const FORMS = "give email and password to create a new admin, or promote: true to make an existing account admin";

const ADMIN_ROLES: RoleName[] = ["user", "admin"];

function result(user: Pick<StoredUser, "id" | "username" | "email" | "roles">, action: AdminResult["action"]): AdminResult {
  return { id: user.id, username: user.username, email: user.email, roles: user.roles.map(toTutorialRoleName), action };
}

/**
 * A create that conflicts is a repeat when exactly this username is already an admin with this
 * email and password: "unchanged". The same admin with another email or password is refused
 * (nothing is overwritten); any other holder of the name or email is someone else's account.
 */
async function repeatedCreate(username: string, email: string, password: string, conflict: ConflictError): Promise<AdminResult> {
  const existing = await findUserByUsername(username);
  if (existing && existing.username === username && existing.roles.includes("admin")) {
    const sameEmail = existing.email.toLowerCase() === email.toLowerCase();
    if (sameEmail && (await verifyPassword(password, existing.passwordHash))) return result(existing, "unchanged");
    throw new ConflictError(`'${username}' is already an admin, with another email or password: nothing was changed`);
  }
  throw new ConflictError(
    `${conflict.message} (usernames and emails compare ignoring case), so no admin was created. To make that existing account admin, run createAdmin with its exact username and promote: true`,
    conflict.errors,
  );
}

async function create(username: string, email: string, password: string): Promise<AdminResult> {
  assertValidInput(checkNewUsername, { username });
  try {
    const id = await createUser(
      { username, email, passwordHash: await hashPassword(password), roles: ADMIN_ROLES },
      undefined,
      queueVerificationMail(email),
    );
    await wakeMailSender();
    return result({ id, username, email, roles: effectiveRoles(ADMIN_ROLES) }, "created");
  } catch (error) {
    if (error instanceof ConflictError) return repeatedCreate(username, email, password, error);
    throw error;
  }
}

async function promote(username: string): Promise<AdminResult> {
  const existing = await findUserByUsername(username);
  // The lookup ignores case; promotion does not: "Admin" is not "admin".
  if (!existing || existing.username !== username) {
    const hint = existing ? ` (there is '${existing.username}', which differs in case; promote takes the exact name)` : "";
    throw new NotFoundError(`No account is named exactly '${username}'${hint}`);
  }
  if (existing.roles.includes("admin")) return result(existing, "unchanged");
  return result(await grantRole(existing.id, "admin"), "promoted");
}

export async function createAdmin(input: unknown): Promise<AdminResult> {
  const { username, email, password, promote: promoting } = assertValidInput<AdminInput>(checkAdminInput, input);
  if (promoting) {
    if (email !== undefined || password !== undefined) throw new ValidationError(`Either create or promote: ${FORMS}`);
    return promote(username);
  }
  if (email === undefined || password === undefined) {
    const missing = [email === undefined && "email", password === undefined && "password"].filter(
      (field): field is string => typeof field === "string",
    );
    throw new ValidationError(
      `A new admin needs an email and a password: ${FORMS}`,
      missing.map((field) => ({ field, message: IS_REQUIRED })),
    );
  }
  return create(username, email, password);
}

