import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from "aws-lambda";
import { verifyAuthorizationHeader } from "../lib/auth/token-verification.ts";
import { UnauthorizedError } from "../lib/errors.ts";
import { logger } from "../lib/logger.ts";

// API Gateway TOKEN authorizer. Throwing exactly "Unauthorized" makes API Gateway answer 401;
// any other error (a configuration fault) becomes a 500 and is logged.

/**
 * Allows the whole stage, not just `methodArn`: API Gateway caches this policy per token, and a
 * policy naming one method would then refuse the same token on every other route.
 */
function stageWidePolicy(methodArn: string): APIGatewayAuthorizerResult["policyDocument"] {
  const [apiArn, stage] = methodArn.split("/");
  return {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `${apiArn}/${stage}/*` }],
  };
}

export async function handler(event: APIGatewayTokenAuthorizerEvent, context?: Context): Promise<APIGatewayAuthorizerResult> {
  if (context) logger.addContext(context);
  try {
    const claims = await verifyAuthorizationHeader(event.authorizationToken);
    return {
      principalId: String(claims.userId),
      policyDocument: stageWidePolicy(event.methodArn),
      context: { userId: claims.userId, username: claims.username, roles: claims.roles.join(",") },
    };
  } catch (error) {
    if (error instanceof UnauthorizedError) throw new Error("Unauthorized");
    logger.error("Authorizer failed", error as Error);
    throw error;
  }
}
