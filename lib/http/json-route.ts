import type middy from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import validator from "@middy/validator";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { JSONSchema } from "json-schema-to-ts";
import { compileSchema } from "../validation.ts";
import { httpChain } from "./route.ts";

export type JsonEvent<Body> = Omit<APIGatewayProxyEvent, "body"> & { body: Body };

/** A route whose JSON body is parsed and validated against `bodySchema` before the handler runs. */
export function jsonRoute<Body>(bodySchema: JSONSchema): middy.MiddyfiedHandler<JsonEvent<Body>, APIGatewayProxyResult> {
  const eventSchema = compileSchema({ type: "object", required: ["body"], properties: { body: bodySchema } });
  return httpChain<JsonEvent<Body>>((chain) =>
    chain
      // Typed for the event it produces: the body it hands on is parsed JSON, no longer a string.
      .use(httpJsonBodyParser() as unknown as middy.MiddlewareObj<JsonEvent<Body>>)
      .use(validator({ eventSchema: eventSchema as never })),
  );
}
