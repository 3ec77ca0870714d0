import { ValidationError } from "../errors.ts";
import { INVALID_ACCOUNT_TOKEN } from "./errors.ts";

/** The one 400 of every refused account token. Made only when thrown (it captures a stack). */
export function invalidAccountToken(): ValidationError {
  return new ValidationError(INVALID_ACCOUNT_TOKEN, [{ field: "token", message: "is invalid, expired or already used" }]);
}
