import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpEvent, lambdaContext, tokenAuthorizerEvent } from "../../test/support/lambda-events.ts";
import type { Artifact } from "./artifacts.ts";

// The packaged handlers, called in this process with the exact event shapes API Gateway sends:
// each function's module is imported from its unpacked zip once, then stays warm, as in a
// Lambda container that has served its first request.

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** A call of an authorizer's handler with a TOKEN event; it must allow. Returns the context it gives the routes. */
export async function authorizedContext(authorizer: Handler, accessToken: string): Promise<Record<string, string | number>> {
  const answer = (await authorizer(tokenAuthorizerEvent(`Bearer ${accessToken}`), lambdaContext("authorizer"))) as {
    policyDocument: { Statement: { Effect: string }[] };
    context: Record<string, string | number>;
  };
  if (answer.policyDocument.Statement[0]?.Effect !== "Allow") throw new Error("the authorizer did not allow a valid token");
  return answer.context;
}

interface FunctionSpec {
  handler: string;
  memorySize?: number;
  events?: { http?: { path: string; method: string } }[];
}

/** serverless.yml's functions as packaged: the handler export and the HTTP route of each. */
export interface PackagedRoute {
  exportName: string;
  memoryMb: number;
  method?: string;
  path?: string;
}

export function packagedRoutes(work: string): Record<string, PackagedRoute> {
  const state = JSON.parse(readFileSync(join(work, "package", "serverless-state.json"), "utf8")) as {
    service: { functions: Record<string, FunctionSpec>; provider: { memorySize: number } };
  };
  return Object.fromEntries(
    Object.entries(state.service.functions).map(([name, spec]) => {
      const http = spec.events?.find((event) => event.http)?.http;
      const memoryMb = spec.memorySize ?? state.service.provider.memorySize;
      return [name, { exportName: spec.handler.split(".").pop()!, memoryMb, method: http?.method.toUpperCase(), path: http && `/${http.path}` }];
    }),
  );
}

export class WarmFunctions {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly artifacts: Artifact[],
    private readonly routes: ReturnType<typeof packagedRoutes>,
  ) {}

  private async handler(name: string): Promise<Handler> {
    let handler = this.handlers.get(name);
    if (!handler) {
      const { file, exportName } = this.handlerOf(name);
      handler = ((await import(file)) as Record<string, Handler>)[exportName];
      if (!handler) throw new Error(`${file} exports no ${exportName}`);
      this.handlers.set(name, handler);
    }
    return handler;
  }

  /** The event API Gateway hands the function of an HTTP route. */
  eventFor(name: string, options: Parameters<typeof httpEvent>[0]): APIGatewayProxyEvent {
    const route = this.routes[name];
    return httpEvent({ method: route?.method, path: route?.path, ...options });
  }

  /** Where a function's handler is: its unpacked bundle and the export serverless.yml names. */
  handlerOf(name: string): { file: string; exportName: string } {
    const artifact = this.artifacts.find((candidate) => candidate.name === name);
    const route = this.routes[name];
    if (!artifact || !route) throw new Error(`no packaged function ${name}`);
    return { file: artifact.handlerFile, exportName: route.exportName };
  }

  /** A call of an HTTP route's function; anything but `expectStatus` is an error, so a bench never times a failure. */
  async http(name: string, options: Parameters<typeof httpEvent>[0], expectStatus: number): Promise<APIGatewayProxyResult> {
    const event = this.eventFor(name, options);
    const answer = (await (await this.handler(name))(event, lambdaContext(name))) as APIGatewayProxyResult;
    if (answer.statusCode !== expectStatus) throw new Error(`${name} answered ${answer.statusCode}, not ${expectStatus}: ${answer.body}`);
    return answer;
  }

  /** The authorizer with a TOKEN event; it must allow. Returns the context it gives the routes. */
  async authorize(accessToken: string): Promise<Record<string, string | number>> {
    return authorizedContext(await this.handler("authorizer"), accessToken);
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    return (await this.handler(name))(event, lambdaContext(name));
  }
}
