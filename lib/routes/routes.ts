import { accountPageAssetRoute, resetPasswordPageRoute, verifyEmailPageRoute } from "./account-page-routes.ts";
import { changeEmailRoute, forgotPasswordRoute, resendVerificationRoute, resetPasswordRoute, verifyEmailRoute } from "./account-routes.ts";
import { listUsersRoute, setUserRolesRoute, endUserSessionsRoute } from "./admin-routes.ts";
import { meRoute, changePasswordRoute, refreshRoute, refreshtokenRoute, signinRoute, signoutRoute, signupRoute } from "./auth-routes.ts";
import { adminBoardRoute, moderatorBoardRoute, pmBoardRoute, publicBoardRoute, userBoardRoute } from "./board-routes.ts";
import { apiDescriptionRoute, docsAssetRoute, docsPageRoute } from "./docs-routes.ts";
import { jwksRoute, openidConfigurationRoute } from "./key-routes.ts";
import type { RouteDescription } from "./route-description.ts";

/**
 * Every HTTP route of the API, in the description's order: the one table that the handlers take
 * their specs from, the OpenAPI description is generated from (lib/openapi/openapi.ts), and tests hold
 * serverless.yml's events to. Handlers import their own entry from the group modules, so a
 * bundle carries its route's schemas and not the whole table.
 */
export const ROUTES: readonly RouteDescription[] = [
  signupRoute,
  signinRoute,
  refreshRoute,
  refreshtokenRoute,
  signoutRoute,
  changePasswordRoute,
  meRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  verifyEmailRoute,
  resendVerificationRoute,
  changeEmailRoute,
  resetPasswordPageRoute,
  verifyEmailPageRoute,
  accountPageAssetRoute,
  listUsersRoute,
  setUserRolesRoute,
  endUserSessionsRoute,
  publicBoardRoute,
  userBoardRoute,
  moderatorBoardRoute,
  pmBoardRoute,
  adminBoardRoute,
  apiDescriptionRoute,
  docsPageRoute,
  docsAssetRoute,
  jwksRoute,
  openidConfigurationRoute,
];
