import { docsAsset, docsPage } from "../lib/docs-page/page.ts";
import { httpChain } from "../lib/http/chain.ts";

// GET /api/docs, the API reference page, and GET /api/docs/assets/{file}, the files it loads.
export const handler = httpChain().handler(async (event) => {
  const file = event.pathParameters?.file;
  return file === undefined ? docsPage(event.path) : docsAsset(file, event.queryStringParameters?.v);
});
