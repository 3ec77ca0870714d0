// The refresh routes' refusal texts, shared by the use case and the route table (the description)
// without the route table importing the use case's database code.

// One text for every refusal: which of expired, unknown, reused or malformed it was would only
// help someone probing tokens.
export const INVALID_REFRESH_TOKEN = "Invalid or expired refresh token";

// The refresh-token tutorials' route (/api/auth/refreshtoken) refuses with 403, as their back end does.
export const REFRESH_TOKEN_REQUIRED = "Refresh Token is required!";
export const REFRESH_TOKEN_REFUSED = "Invalid or expired refresh token. Please make a new signin request";
