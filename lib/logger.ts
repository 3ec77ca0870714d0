import { Logger } from "@aws-lambda-powertools/logger";

// One logger per container: JSON lines with level, timestamp and service, and per request (through
// the HTTP chain's injectLambdaContext) the request id, cold-start flag and route. Log fields
// are chosen by hand at each call: never a body, a password, a hash, a token or a secret.

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "auth-api" });
