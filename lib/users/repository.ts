import { effectiveRoles, isRoleName, roleRequiredMessage, type RoleName } from "../auth/roles.ts";
import { getPrisma } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { ConflictError, ForbiddenError, NotFoundError, type FieldError } from "../errors.ts";
import { queueMails } from "../mail/outbox.ts";
import { alreadyInUse, IN_USE, LAST_ADMIN, noUserWithId } from "./errors.ts";

// Data access for users and their roles. Prisma errors that mean something to a client become
// domain errors here; usernames and emails compare without case because the tables' collation
// (utf8mb4_unicode_ci) is case-insensitive, in MySQL and MariaDB alike. Rows hold the roles
// granted; every StoredUser carries the effective ones (admin includes moderator includes user).
// A user is read with their roles in one statement: Prisma joins relations in SQL only on MySQL
// 8.0.13 and later, never on MariaDB, where an `include` of the roles costs three queries.

export interface StoredUser {
  id: number;
  username: string;
  email: string;
  /** Whether the user proved the address: a mailed link opened (verify, reset or change). */
  emailVerified: boolean;
  roles: RoleName[];
  createdAt: Date;
}

/** A user with the hash a password is checked against: only what checks a password reads it. */
export interface UserWithPassword extends StoredUser {
  passwordHash: string;
}

/**
 * A StoredUser's columns from `users u`, the names of the roles granted as one comma-separated
 * column; for queries that read a user along with rows of their own (the refresh-token store).
 */
export const USER_COLUMNS = Prisma.sql`u.id, u.username, u.email, u.email_verified AS emailVerified, u.created_at AS createdAt,
  (SELECT GROUP_CONCAT(r.name) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id) AS grantedRoles`;

/** A row of USER_COLUMNS. */
export interface UserRow {
  id: number;
  username: string;
  email: string;
  /** MySQL's BOOLEAN is TINYINT(1): 0 or 1 over the wire. */
  emailVerified: number | boolean;
  createdAt: Date;
  grantedRoles: string | null;
}

export function toStoredUser(row: UserRow): StoredUser {
  const granted = (row.grantedRoles ?? "").split(",").filter(isRoleName);
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: Boolean(Number(row.emailVerified)),
    roles: effectiveRoles(granted),
    createdAt: row.createdAt,
  };
}

export async function findUserByUsername(username: string): Promise<UserWithPassword | undefined> {
  const prisma = await getPrisma();
  const [row] = await prisma.$queryRaw<(UserRow & { passwordHash: string })[]>`
    SELECT ${USER_COLUMNS}, u.password_hash AS passwordHash FROM users u WHERE u.username = ${username}`;
  return row && { ...toStoredUser(row), passwordHash: row.passwordHash };
}

/** The account whose address this is (addresses compare ignoring case, as the unique index does). */
export async function findUserByEmail(email: string): Promise<StoredUser | undefined> {
  const prisma = await getPrisma();
  const [row] = await prisma.$queryRaw<UserRow[]>`SELECT ${USER_COLUMNS} FROM users u WHERE u.email = ${email}`;
  return row && toStoredUser(row);
}

export function userNotFound(id: number): NotFoundError {
  return new NotFoundError(noUserWithId(id));
}

export async function findUserById(id: number): Promise<StoredUser | undefined> {
  const prisma = await getPrisma();
  const [row] = await prisma.$queryRaw<UserRow[]>`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ${id}`;
  return row && toStoredUser(row);
}

export async function userExists(id: number): Promise<boolean> {
  const prisma = await getPrisma();
  return (await prisma.user.findUnique({ where: { id }, select: { id: true } })) !== null;
}

/** What checking a signed-in user's password needs: their stored username (the lockout's key) and hash, and their address. */
export async function findPasswordOf(id: number): Promise<{ id: number; username: string; email: string; passwordHash: string } | undefined> {
  const prisma = await getPrisma();
  return (await prisma.user.findUnique({ where: { id }, select: { id: true, username: true, email: true, passwordHash: true } })) ?? undefined;
}

/** The user's effective roles as stored now; none for an id no user has. */
export async function currentRoles(userId: number): Promise<RoleName[]> {
  const prisma = await getPrisma();
  const granted = await prisma.role.findMany({ where: { users: { some: { userId } } }, select: { name: true } });
  return effectiveRoles(granted.map(({ name }) => name).filter(isRoleName));
}

/** Up to `limit` users with ids above `afterId`, in id order (keyset pagination). */
export async function listUsersAfter(afterId: number, limit: number): Promise<StoredUser[]> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<UserRow[]>`
    SELECT ${USER_COLUMNS} FROM users u WHERE u.id > ${afterId} ORDER BY u.id LIMIT ${limit}`;
  return rows.map(toStoredUser);
}

function conflictFor(fields: FieldError[]): ConflictError {
  return new ConflictError(alreadyInUse(fields), fields);
}

/** 409 naming the taken field(s), or undefined when both are free. */
const SIGNUP_RACED = "Another account with this username or email was being created or removed at the same time. Try again.";

async function takenFields(username: string, email: string): Promise<ConflictError | undefined> {
  const prisma = await getPrisma();
  const taken = await prisma.user.findMany({
    where: { OR: [{ username }, { email }] },
    select: { username: true, email: true },
  });
  const fields: FieldError[] = [];
  // Usernames and emails are ASCII (the schemas say so), so lower-casing matches the collation.
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (taken.some((user) => same(user.username, username))) fields.push({ field: "username", message: IN_USE });
  if (taken.some((user) => same(user.email, email))) fields.push({ field: "email", message: IN_USE });
  return fields.length > 0 ? conflictFor(fields) : undefined;
}

/** Grants the roles named, in one statement. Each must exist: the first migration seeds them all. */
async function insertGrantedRoles(tx: Prisma.TransactionClient, userId: number, roles: RoleName[]): Promise<void> {
  const granted = await tx.$executeRaw`
    INSERT INTO user_roles (user_id, role_id) SELECT ${userId}, id FROM roles WHERE name IN (${Prisma.join(roles)})`;
  if (granted !== roles.length) throw new Error(`the roles table lacks one of ${roles.join(", ")}`);
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  roles: RoleName[];
}

/**
 * The ids of the admins as stored now, their role rows locked until `tx` ends. Every act that
 * needs or changes an admin right takes this lock first, all in the same order, so a demotion
 * committed before it is seen and one that comes after waits for the act to commit.
 */
export async function lockAdmins(tx: Prisma.TransactionClient): Promise<Set<number>> {
  const rows = await tx.$queryRaw<{ user_id: number }[]>`
    SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = 'admin' FOR UPDATE`;
  return new Set(rows.map((row) => Number(row.user_id)));
}

/**
 * Stores a user and the roles granted, in one transaction, and returns the new id. `authorize`
 * runs first in that transaction, so a right it checks under a lock holds until the user is stored. Nothing is
 * checked first: the unique indexes refuse a taken username or email, also to two signups racing,
 * and only then is it looked up which of them is taken, for the 409.
 */
export async function createUser(
  user: NewUser,
  authorize?: (tx: Prisma.TransactionClient) => Promise<void>,
  created?: (tx: Prisma.TransactionClient, id: number) => Promise<void>,
): Promise<number> {
  const prisma = await getPrisma();
  try {
    return await prisma.$transaction(async (tx) => {
      await authorize?.(tx);
      // Prisma reads the id back with a SELECT: MySQL has no INSERT … RETURNING.
      const { id } = await tx.user.create({
        data: { username: user.username, email: user.email, passwordHash: user.passwordHash },
        select: { id: true },
      });
      await insertGrantedRoles(tx, id, user.roles);
      await created?.(tx, id);
      return id;
    });
  } catch (error) {
    // A refusal says one index; the answer names every taken field. If the account that held the
    // name is gone by now, there is no field to name, but the signup was still refused: a 409.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw (await takenFields(user.username, user.email)) ?? new ConflictError(SIGNUP_RACED);
    }
    throw error;
  }
}

/** For createUser: queues the mail that verifies a new account's address, in its transaction. */
export function queueVerificationMail(email: string): (tx: Prisma.TransactionClient, id: number) => Promise<void> {
  return (tx, id) => queueMails([{ kind: "verify", userId: id, address: email }], tx);
}

/** Adds `role` to the user's roles (a no-op when they have it) and returns the user as stored. */
export async function grantRole(userId: number, role: RoleName): Promise<StoredUser> {
  const prisma = await getPrisma();
  const roleRow = await prisma.role.findUniqueOrThrow({ where: { name: role } });
  await prisma.userRole.upsert({
    where: { userId_roleId: { userId, roleId: roleRow.id } },
    create: { userId, roleId: roleRow.id },
    update: {},
  });
  const user = await findUserById(userId);
  if (!user) throw userNotFound(userId);
  return user;
}

export interface UserRoles {
  id: number;
  username: string;
  roles: RoleName[];
}

/**
 * Replaces the roles granted to `userId`, on behalf of the admin `actingAdminId`. Every admin row
 * is locked first, so two admins demoting each other at once cannot leave no admin: the second
 * waits, then sees the first's change. The acting admin's own right is judged under that lock
 * too, and the target's row is locked so it cannot be deleted halfway. Answers the user with the
 * roles just written, which nothing else can change before the commit.
 */
export async function replaceGrantedRoles(actingAdminId: number, userId: number, roles: RoleName[]): Promise<UserRoles> {
  const prisma = await getPrisma();
  return prisma.$transaction(
    async (tx) => {
      const admins = await lockAdmins(tx);
      if (!admins.has(actingAdminId)) throw new ForbiddenError(roleRequiredMessage("admin"));
      const [target] = await tx.$queryRaw<{ username: string }[]>`SELECT username FROM users WHERE id = ${userId} FOR UPDATE`;
      if (!target) throw userNotFound(userId);
      if (admins.has(userId) && admins.size === 1 && !roles.includes("admin")) {
        throw new ConflictError(LAST_ADMIN);
      }
      await tx.userRole.deleteMany({ where: { userId } });
      await insertGrantedRoles(tx, userId, roles);
      return { id: userId, username: target.username, roles: effectiveRoles(roles) };
    },
    // Waiting for another admin's change to the roles is expected; a Lambda has 10 s in all.
    { maxWait: 5_000, timeout: 8_000 },
  );
}
