import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/openapi/openapi.ts";
import { ROUTES } from "../../lib/routes/routes.ts";
import { START_CURSOR } from "../../lib/users/schemas.ts";
import { postmanCollection, type PostmanRequest } from "../support/postman.ts";
import { fixtureDocument } from "../support/openapi-fixture.ts";

describe("postmanCollection", () => {
  it("converts a 3.1 description into one request per operation", async () => {
    const requests = await postmanCollection(fixtureDocument());
    expect(requests.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      "DELETE /api/sessions/:id",
      "GET /api/board",
      "GET /api/users",
      "POST /api/sessions",
      "PUT /api/users/:id/roles",
      "PUT /api/users/me/roles",
    ]);
  });

  it("refuses what is not OpenAPI", async () => {
    await expect(postmanCollection({ hello: "world" })).rejects.toThrow(/did not convert/);
  });
});

describe("the API's description imported into Postman", () => {
  const requests = postmanCollection(openApiDocument());
  const requestOf = async (operationPath: string, method: string): Promise<PostmanRequest | undefined> =>
    (await requests).find((request) => request.method === method.toUpperCase() && request.path === operationPath.replace(/\{(\w+)\}/g, ":$1"));

  // Signup with roles and signout with `all` need the token, so the import must carry it there too.
  it.each(ROUTES.filter((route) => route.caller !== undefined || "optionalBearer" in route).map((route) => [route.operationId, route] as const))(
    "gives %s the Bearer token {{bearerToken}}",
    async (_operationId, route) => {
      expect((await requestOf(route.path, route.method))?.auth).toBe("bearer");
    },
  );

  it("sends the list cursor's described default, not a made-up one the list would refuse", async () => {
    expect((await requestOf("/api/admin/users", "get"))?.query).toEqual(["limit=20", `cursor=${START_CURSOR}`]);
  });
});

describe("postmanCollection's refusals", () => {
  it("refuses what is not OpenAPI", async () => {
    await expect(postmanCollection({ hello: "world" })).rejects.toThrow(/did not convert/);
  });
});
