import { getPrisma } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { ConflictError, type FieldError } from "../errors.ts";
import { isRoleName, sortRoles, type RoleName } from "../auth/roles.ts";

// Data access for users and their roles. Prisma errors that mean something to a client become
// domain errors here; usernames and emails compare without case because the tables' collation
// (utf8mb4_unicode_ci) is case-insensitive, in MySQL and MariaDB alike.

export interface StoredUser {
  id: number;
  username: string;
  email: string;
  passwordHash: string;
  roles: RoleName[];
}

const withRoleNames = { roles: { select: { role: { select: { name: true } } } } } as const;

function toStoredUser(row: {
  id: number;
  username: string;
  email: string;
  passwordHash: string;
  roles: { role: { name: string } }[];
}): StoredUser {
  const names = row.roles.map(({ role }) => role.name).filter(isRoleName);
  return { id: row.id, username: row.username, email: row.email, passwordHash: row.passwordHash, roles: sortRoles(names) };
}

export async function findUserByUsername(username: string): Promise<StoredUser | undefined> {
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { username }, include: withRoleNames });
  return row ? toStoredUser(row) : undefined;
}

function conflictFor(fields: FieldError[]): ConflictError {
  const names = fields.map(({ field }) => field).join(" and ");
  const subject = names.charAt(0).toUpperCase() + names.slice(1);
  return new ConflictError(`${subject} ${fields.length > 1 ? "are" : "is"} already in use`, fields);
}

/** 409 naming the taken field(s), or nothing when both are free. */
async function assertAvailable(username: string, email: string): Promise<void> {
  const prisma = await getPrisma();
  const taken = await prisma.user.findMany({
    where: { OR: [{ username }, { email }] },
    select: { username: true, email: true },
  });
  const fields: FieldError[] = [];
  // Usernames and emails are ASCII (the schemas say so), so lower-casing matches the collation.
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (taken.some((user) => same(user.username, username))) fields.push({ field: "username", message: "is already in use" });
  if (taken.some((user) => same(user.email, email))) fields.push({ field: "email", message: "is already in use" });
  if (fields.length > 0) throw conflictFor(fields);
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  roles: RoleName[];
}

export async function createUser(user: NewUser): Promise<StoredUser> {
  await assertAvailable(user.username, user.email);
  const prisma = await getPrisma();
  try {
    const row = await prisma.user.create({
      data: {
        username: user.username,
        email: user.email,
        passwordHash: user.passwordHash,
        roles: { create: user.roles.map((name) => ({ role: { connect: { name } } })) },
      },
      include: withRoleNames,
    });
    return toStoredUser(row);
  } catch (error) {
    // Another signup took the name between the check above and this insert.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      await assertAvailable(user.username, user.email);
    }
    throw error;
  }
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
  return toStoredUser(await prisma.user.findUniqueOrThrow({ where: { id: userId }, include: withRoleNames }));
}
