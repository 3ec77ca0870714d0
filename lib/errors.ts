// Typed errors thrown by lib/ and answered in one place (lib/http/error-responses.ts).
// `expose` follows middy's convention: below 500 the message is meant for the client, and so is
// the 503's fixed one.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly expose = true;

  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors?: FieldError[],
    /** Headers the answer carries besides the usual ones (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, errors?: FieldError[]) {
    super(400, message, errors);
  }
}

/** `newPassword` → "New password": the words a person reads in a form. */
function labelOf(field: string): string {
  const name = field.split(".")[0] ?? field;
  if (!/^[a-z][A-Za-z]*$/.test(name)) return `"${field}"`;
  const words = name.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A field's problem as a sentence: "Password must be at least 8 characters". */
export function describeFieldError(error: FieldError): string {
  return `${labelOf(error.field)} ${error.message}`;
}

/**
 * A 400 for one or more bad fields. Its `message` says the first problem in words, because the
 * tutorials' front ends show only `message`; `errors` keeps every field's detail.
 */
export function invalidFields(errors: [FieldError, ...FieldError[]]): ValidationError {
  return new ValidationError(describeFieldError(errors[0]), errors);
}

/** The 401 of any access token that is missing, malformed, expired or forged: one text for all. */
export const INVALID_TOKEN = "Invalid or expired token";

export class UnauthorizedError extends ApiError {
  constructor(message = "Unauthorized") {
    super(401, message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, message);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, errors?: FieldError[]) {
    super(409, message, errors);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(message: string) {
    super(413, message);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(message: string) {
    super(415, message);
  }
}

/** 429: the client must wait `retryAfterSeconds` (a whole number, at least 1), said in `Retry-After`. */
export class TooManyRequestsError extends ApiError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    if (!Number.isFinite(retryAfterSeconds)) throw new RangeError("retryAfterSeconds must be a finite number");
    // Rounded up: a client that waits the whole seconds said is never refused again for the same lock.
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, message, undefined, { "Retry-After": String(seconds) });
    this.retryAfterSeconds = seconds;
  }
}

export const SERVICE_UNAVAILABLE = "Service temporarily unavailable";

/** 503: the database cannot serve now (see lib/db/unavailable.ts); the client may try again later. */
export class ServiceUnavailableError extends ApiError {
  constructor() {
    super(503, SERVICE_UNAVAILABLE);
  }
}
