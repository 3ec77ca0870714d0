import type middy from "@middy/core";
import type { ErrorObject } from "ajv";
import { ApiError, type FieldError } from "../errors.ts";
import { fieldErrors } from "../field-errors.ts";

// Runs before @middy/http-error-handler (it is .use()d after it): it turns every error the
// client may see into a JSON `{message, errors?}` string, which the handler then answers with
// as application/json. Anything else keeps its shape and becomes the handler's generic 500.

interface MiddyHttpError {
  statusCode: number;
  message: string;
  expose?: boolean;
  cause?: { package?: string; data?: unknown };
}

function isMiddyHttpError(error: unknown): error is MiddyHttpError {
  return typeof error === "object" && error !== null && typeof (error as MiddyHttpError).statusCode === "number";
}

function toClientBody(error: MiddyHttpError): { message: string; errors?: FieldError[] } {
  if (error instanceof ApiError) {
    return error.errors ? { message: error.message, errors: error.errors } : { message: error.message };
  }
  if (error.cause?.package === "@middy/validator") {
    return { message: "Invalid request body", errors: fieldErrors(error.cause.data as ErrorObject[], "body") };
  }
  return { message: error.message };
}

export function jsonErrors(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      const error = request.error;
      if (!isMiddyHttpError(error) || error.statusCode >= 500 || error.expose === false) return;
      error.message = JSON.stringify(toClientBody(error));
    },
  };
}
