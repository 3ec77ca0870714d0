import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpEvent, lambdaContext, tokenAuthorizerEvent } from "../../test/support/lambda-events.ts";
import type { Artifact } from "./artifacts.ts";

// The packaged handlers, called in this process with the exact event shapes API Gateway sends:
// each function's module is imported from its unpacked zip once, then stays warm, as in a
// Lambda container that has served its first request.

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

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
      const artifact = this.artifacts.find((candidate) => candidate.name === name);
      const route = this.routes[name];
      if (!artifact || !route) throw new Error(`no packaged function ${name}`);
      const module = (await import(artifact.handlerFile)) as Record<string, Handler>;
      handler = module[route.exportName];
      if (!handler) throw new Error(`${artifact.handlerFile} exports no ${route.exportName}`);
      this.handlers.set(name, handler);
    }
    return handler;
  }

  /** A call of an HTTP route's function; anything but `expectStatus` is an error, so a bench never times a failure. */
  async http(name: string, options: Parameters<typeof httpEvent>[0], expectStatus: number): Promise<APIGatewayProxyResult> {
    const route = this.routes[name];
    const event: APIGatewayProxyEvent = httpEvent({ method: route?.method, path: route?.path, ...options });
    const answer = (await (await this.handler(name))(event, lambdaContext(name))) as APIGatewayProxyResult;
    if (answer.statusCode !== expectStatus) throw new Error(`${name} answered ${answer.statusCode}, not ${expectStatus}: ${answer.body}`);
    return answer;
  }

  /** The authorizer with a TOKEN event; it must allow. */
  async authorize(accessToken: string): Promise<void> {
    const policy = (await (await this.handler("authorizer"))(tokenAuthorizerEvent(`Bearer ${accessToken}`), lambdaContext("authorizer"))) as {
      policyDocument: { Statement: { Effect: string }[] };
    };
    if (policy.policyDocument.Statement[0]?.Effect !== "Allow") throw new Error("the authorizer did not allow a valid token");
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    return (await this.handler(name))(event, lambdaContext(name));
  }
}
