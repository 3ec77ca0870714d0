// Typed errors thrown by lib/ and mapped to HTTP answers in one place (lib/http/json-errors.ts).
// `expose` follows middy's convention: below 500 the message is meant for the client.

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

/** 429: the client must wait `retryAfterSeconds` (a whole number, at least 1: the Retry-After header's form). */
export class TooManyRequestsError extends ApiError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(429, message);
    if (!Number.isFinite(retryAfterSeconds)) throw new RangeError("retryAfterSeconds must be a finite number");
    // Rounded up: a client that waits the whole seconds said is never refused again for the same lock.
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
