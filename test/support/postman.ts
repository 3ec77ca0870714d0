import { convertV2 } from "openapi-to-postmanv2";

// What Postman makes of the description: its importer runs openapi-to-postmanv2, which converts
// in process (no network for a document without remote $refs).

export interface PostmanRequest {
  name: string;
  method: string;
  /** The URL's path as Postman shows it: path parameters as `:name`, without the server's base. */
  path: string;
  /** Postman's auth type for the request: "bearer", "noauth", or "inherit" when it sets none. */
  auth: string;
  /** The query parameters Postman sends, as `name=value`. */
  query: string[];
}

interface CollectionItem {
  name?: string;
  item?: CollectionItem[];
  request?: {
    method?: string;
    url?: { path?: string[]; query?: { key: string; value: string; disabled?: boolean }[] };
    auth?: { type: string };
  };
}

function requestsIn(items: CollectionItem[]): PostmanRequest[] {
  return items.flatMap((item) => {
    if (item.item) return requestsIn(item.item);
    if (!item.request) return [];
    const { method = "", url, auth } = item.request;
    const query = (url?.query ?? []).filter(({ disabled }) => !disabled).map(({ key, value }) => `${key}=${value}`);
    return [{ name: item.name ?? "", method, path: `/${(url?.path ?? []).join("/")}`, auth: auth?.type ?? "inherit", query }];
  });
}

/** The requests of the Postman collection converted from `doc` (folders flattened). */
export function postmanCollection(doc: object): Promise<PostmanRequest[]> {
  return new Promise((resolve, reject) => {
    // The converter keeps references to the document it is given: it gets a copy.
    convertV2({ type: "json", data: structuredClone(doc) }, {}, (error, result) => {
      const collection = result?.output?.[0]?.data as { item?: CollectionItem[] } | undefined;
      if (error || !result?.result || !collection) reject(new Error(`openapi-to-postmanv2 did not convert: ${error?.message ?? result?.reason ?? "no collection"}`));
      else resolve(requestsIn(collection.item ?? []));
    });
  });
}
