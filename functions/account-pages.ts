import { accountPage, accountPageAsset } from "../lib/account-pages/pages.ts";
import { httpChain } from "../lib/http/chain.ts";

// GET /api/auth/reset-password and GET /api/auth/verify-email, the pages mailed links open, and
// GET /api/auth/pages/{file}, the files they load. No database: the pages post to the account routes.
export const handler = httpChain().handler(async (event) => {
  const file = event.pathParameters?.file;
  return file === undefined ? accountPage(event.resource, event.path) : accountPageAsset(file, event.queryStringParameters?.v);
});
