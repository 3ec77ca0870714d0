import { request } from "node:http";
import { describe, expect, inject, it } from "vitest";

// GET /api/docs/openapi.json names the stage that serves it from what the deployment knows (here,
// the address serverless-offline was started with), never from the request's Host: the answer is
// cached and shared (`public, max-age=300`).

/** A GET with a Host header of the caller's choosing, which fetch() does not let a caller set. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("GET /api/docs/openapi.json", () => {
  it.each(["evil.example.com:443", "evil.example.com"])("names this stage as its server when the request says Host: %s", async (host) => {
    const answer = await getWithHost(`${inject("baseUrl")}/api/docs/openapi.json`, host);

    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain("evil.example.com");
    expect((JSON.parse(answer.body) as { servers: unknown }).servers).toEqual([{ url: inject("baseUrl"), description: "This stage" }]);
  });
});
