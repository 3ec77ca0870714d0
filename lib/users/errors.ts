// The users' error messages, shared by the use cases that throw them and the route table that
// documents them (the OpenAPI description), without the route table importing database code.

export const ONLY_ADMINS_GRANT_ROLES = "Only an admin can grant roles";
// A valid token for a deleted account: 401, so a front end signs out rather than showing an error.
export const ACCOUNT_GONE = "This account no longer exists";
export const LAST_ADMIN = "This user is the last admin: make another user admin first";
