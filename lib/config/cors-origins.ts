// CORS_ORIGINS: the origins allowed to call the API from a browser (comma-separated). Apart from
// the other settings because the CORS middleware is built when a handler module loads, and
// reading this cannot fail.

export function corsOrigins(): string[] {
  return (process.env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
}
