import fc from "fast-check";

// Near misses of a token for property tests: the token with a character replaced, inserted or
// deleted, drawn from base64url, a dot, or any one UTF-16 unit.

export const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export interface TokenEdit {
  kind: "replace" | "insert" | "delete";
  at: number;
  char: string;
}

/** One edit of a token. */
export const tokenEdit: fc.Arbitrary<TokenEdit> = fc.record({
  kind: fc.constantFrom("replace", "insert", "delete"),
  at: fc.nat(),
  char: fc.oneof(fc.constantFrom(...BASE64URL, "."), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
});

/** `token` with `edits` applied in turn, each at its position modulo the length. */
export function edited(token: string, edits: readonly TokenEdit[]): string {
  let text = token;
  for (const { kind, at, char } of edits) {
    const i = at % (text.length + 1);
    if (kind === "insert") text = text.slice(0, i) + char + text.slice(i);
    else if (kind === "replace") text = text.slice(0, i) + char + text.slice(i + 1);
    else text = text.slice(0, i) + text.slice(i + 1);
  }
  return text;
}
