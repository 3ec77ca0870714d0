import type { OpenApiDocument } from "./contract.ts";

// A small OpenAPI 3.1 description for the tests of the contract checker and the tools around
// it: a templated path beside a literal one, a $ref'd schema and response, a 4XX range, a 204, a
// text answer, a required header, security requirements, and 3.1's schema keywords (`examples`,
// type lists, `x-…` extensions).

const json = (schema: object) => ({ "application/json": { schema } });

export function fixtureDocument(): OpenApiDocument {
  return {
    openapi: "3.1.0",
    info: { title: "Fixture API", version: "1.0.0" },
    servers: [{ url: "http://127.0.0.1:3000/dev" }],
    paths: {
      "/api/users": {
        get: {
          operationId: "listUsers",
          security: [{ bearerAuth: [] }],
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
          responses: {
            "200": {
              description: "A page of users",
              headers: {
                "Cache-Control": { required: true, schema: { type: "string", const: "no-store" } },
                "X-Trace": { schema: { type: "string" } },
              },
              content: json({
                type: "object",
                additionalProperties: false,
                required: ["items"],
                properties: { items: { type: "array", items: { $ref: "#/components/schemas/User" } }, nextCursor: { type: "string" } },
              }),
            },
            "4XX": { description: "A refusal", content: json({ $ref: "#/components/schemas/Error" }) },
          },
        },
      },
      "/api/users/{id}/roles": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
        put: {
          operationId: "setRoles",
          requestBody: { content: json({ type: "object", properties: { roles: { type: "array", items: { type: "string" } } } }) },
          responses: {
            "200": { description: "The user's new roles", content: json({ $ref: "#/components/schemas/User" }) },
            "400": { description: "A bad id or body", content: json({ $ref: "#/components/schemas/Error" }) },
            "404": { $ref: "#/components/responses/NotFound" },
          },
        },
      },
      // Beside the template above: /api/users/me/roles is this one, not {id}.
      "/api/users/me/roles": {
        put: {
          operationId: "setOwnRoles",
          responses: {
            "200": {
              description: "Always refused",
              content: json({ type: "object", additionalProperties: false, required: ["mine"], properties: { mine: { const: true } } }),
            },
          },
        },
      },
      "/api/sessions": {
        post: {
          operationId: "signIn",
          // A token is optional here: the empty requirement is the anonymous alternative.
          security: [{}, { bearerAuth: [] }],
          responses: {
            "200": {
              description: "A session",
              content: {
                "application/json; charset=utf-8": {
                  schema: {
                    type: "object",
                    additionalProperties: false,
                    required: ["accessToken", "expiresIn"],
                    properties: { accessToken: { type: "string" }, expiresIn: { type: "integer" } },
                  },
                },
              },
            },
          },
        },
      },
      "/api/sessions/{id}": {
        delete: { operationId: "signOut", responses: { "204": { description: "Signed out" } } },
      },
      "/api/board": {
        get: {
          operationId: "board",
          responses: {
            "200": { description: "The board", content: { "text/plain; charset=utf-8": { schema: { type: "string", minLength: 1 } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        User: {
          type: "object",
          additionalProperties: false,
          required: ["id", "username", "roles"],
          properties: {
            id: { type: "integer", minimum: 1 },
            username: { type: "string" },
            roles: { type: "array", items: { type: "string", enum: ["ROLE_USER", "ROLE_ADMIN"] } },
            nickname: { type: ["string", "null"] },
            createdAt: { type: "string", format: "date-time" },
          },
          examples: [{ id: 1, username: "alice", roles: ["ROLE_USER"] }],
          "x-origin": "lib/users/view.ts",
        },
        Error: {
          type: "object",
          additionalProperties: false,
          required: ["message"],
          properties: {
            message: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                additionalProperties: false,
                required: ["field", "message"],
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
          example: { message: "Roles must be one of: user, admin" },
        },
      },
      responses: {
        NotFound: { description: "No such user", content: json({ $ref: "#/components/schemas/Error" }) },
      },
    },
  };
}
