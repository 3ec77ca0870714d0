import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config/environment.ts";
import { getJwtPrivateKeys, type JwtPrivateKey } from "../../lib/config/jwt-private-keys.ts";
import { dotEnvValue, ensureDotEnv, setDotEnvValue, withDotEnvValue } from "../../scripts/dot-env-file.ts";
import { ensureSigningKey } from "../../scripts/signing-key-in-dot-env.ts";

// .env as `npm start` and `npm run db:up` update it: one variable set, every other line kept,
// and the value read back by Node's own .env reader exactly as written.

const URL_3307 = "mysql://auth:auth@127.0.0.1:3307/auth_api?allowPublicKeyRetrieval=true";

/** Any character, often one the reader treats specially. */
const oneCharacter = fc.oneof(fc.constantFrom("'", '"', "`", "\\", "#", " ", "\t", "=", "$", "n"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));

describe("dotEnvValue", () => {
  it("is read back unchanged by Node's .env reader, whatever the characters on one line", () => {
    fc.assert(
      fc.property(fc.string({ unit: oneCharacter }).filter((value) => !/[\r\n]/.test(value)), (value) => {
        // A value no quoting can hold is refused (below).
        fc.pre(!(value.includes("'") && value.includes("`") && (value.includes('"') || value.includes("\\"))));
        expect(parseEnv(`NAME=${dotEnvValue(value)}\n`).NAME).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });

  it("leaves a database URL unquoted, quotes one with a # (which would start a comment)", () => {
    expect(dotEnvValue(URL_3307)).toBe(URL_3307);
    expect(dotEnvValue("mysql://u:a#b@h/d")).toBe("'mysql://u:a#b@h/d'");
  });

  it("quotes with what the value does not hold: ', then `, then \" (inside which \\n would become a line break)", () => {
    expect(dotEnvValue("a b")).toBe("'a b'");
    expect(dotEnvValue("it's")).toBe("`it's`");
    expect(dotEnvValue("it's `x`")).toBe('"it\'s `x`"');
    expect(() => dotEnvValue("it's `x` \\n")).toThrow("a .env value cannot hold ' and ` with \" or \\");
  });

  it("refuses a value on two lines", () => {
    expect(() => dotEnvValue("a\nb")).toThrow("a .env value cannot span lines");
  });
});

describe("withDotEnvValue", () => {
  const text = "# comment\nJWT_SECRET=abc\nDATABASE_URL=mysql://root@127.0.0.1:3306/auth_api\nCORS_ORIGINS=http://localhost:8081\n";

  it("replaces the variable's line in place and keeps every other line", () => {
    expect(withDotEnvValue(text, "DATABASE_URL", URL_3307)).toBe(text.replace("mysql://root@127.0.0.1:3306/auth_api", URL_3307));
  });

  it("appends the variable when it has no line, on a line of its own", () => {
    expect(withDotEnvValue("A=1\n", "DATABASE_URL", URL_3307)).toBe(`A=1\nDATABASE_URL=${URL_3307}\n`);
    expect(withDotEnvValue("A=1", "DATABASE_URL", URL_3307)).toBe(`A=1\nDATABASE_URL=${URL_3307}\n`);
    expect(withDotEnvValue("", "DATABASE_URL", URL_3307)).toBe(`DATABASE_URL=${URL_3307}\n`);
  });

  it("keeps one assignment when there were several (the reader takes the last), and reads `export NAME=`", () => {
    const updated = withDotEnvValue("DATABASE_URL=a\nB=2\n  export DATABASE_URL = b\n", "DATABASE_URL", URL_3307);
    expect(updated).toBe(`DATABASE_URL=${URL_3307}\nB=2\n`);
    expect(parseEnv(updated)).toEqual({ DATABASE_URL: URL_3307, B: "2" });
  });

  it("leaves alone a variable whose name merely ends or starts like it", () => {
    const updated = withDotEnvValue("TEST_DATABASE_URL=x\nDATABASE_URL_OLD=y\n", "DATABASE_URL", URL_3307);
    expect(parseEnv(updated)).toEqual({ TEST_DATABASE_URL: "x", DATABASE_URL_OLD: "y", DATABASE_URL: URL_3307 });
  });
});

describe("ensureDotEnv and setDotEnvValue", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "auth-api-dotenv-file-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates .env from the example with a random JWT_SECRET only readable by its owner, once", () => {
    const example = join(dir, ".env.example");
    const dotEnv = join(dir, ".env");
    writeFileSync(example, "# settings\nJWT_SECRET=change-me\nDATABASE_URL=mysql://root@127.0.0.1:3306/auth_api\n");

    expect(ensureDotEnv(dotEnv, example)).toBe(true);
    const created = parseEnv(readFileSync(dotEnv, "utf8"));
    expect(created.JWT_SECRET).toMatch(/^[\w-]{64}$/);
    expect(created.DATABASE_URL).toBe("mysql://root@127.0.0.1:3306/auth_api");
    expect(statSync(dotEnv).mode & 0o777).toBe(0o600);

    expect(ensureDotEnv(dotEnv, example)).toBe(false);
    expect(parseEnv(readFileSync(dotEnv, "utf8")).JWT_SECRET).toBe(created.JWT_SECRET);
  });

  it("sets a value, returns the one before, and leaves the file untouched when it is the same", () => {
    const dotEnv = join(dir, ".env");
    writeFileSync(dotEnv, "JWT_SECRET=abc\n# the database\nDATABASE_URL=mysql://root@127.0.0.1:3306/auth_api\n");

    expect(setDotEnvValue("DATABASE_URL", URL_3307, dotEnv)).toBe("mysql://root@127.0.0.1:3306/auth_api");
    expect(readFileSync(dotEnv, "utf8")).toBe(`JWT_SECRET=abc\n# the database\nDATABASE_URL=${URL_3307}\n`);

    const { mtimeMs } = statSync(dotEnv);
    expect(setDotEnvValue("DATABASE_URL", URL_3307, dotEnv)).toBe(URL_3307);
    expect(statSync(dotEnv).mtimeMs).toBe(mtimeMs);
  });
});

describe("ensureSigningKey", () => {
  let dir: string;
  let dotEnv: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "auth-api-signing-key-"));
    dotEnv = join(dir, ".env");
    writeFileSync(dotEnv, "# settings\nJWT_SECRET=abc\n");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    process.env = { ...saved };
    resetConfig();
  });

  /** The .env's JWT_PRIVATE_KEY as the API reads it (through the environment, as serverless-offline passes it). */
  async function keyTheApiReads(): Promise<JwtPrivateKey> {
    process.env.JWT_PRIVATE_KEY = parseEnv(readFileSync(dotEnv, "utf8")).JWT_PRIVATE_KEY;
    resetConfig();
    return (await getJwtPrivateKeys()).current;
  }

  it("writes an RS256 key pair on one line that the API reads back, and keeps it at the next start", async () => {
    expect(ensureSigningKey("RS256", dotEnv)).toBe("created");
    const text = readFileSync(dotEnv, "utf8");
    expect(text).toMatch(/^JWT_PRIVATE_KEY='-----BEGIN PRIVATE KEY-----\\n[\w+/=\\]+\\n-----END PRIVATE KEY-----'$/m);
    const first = await keyTheApiReads();
    expect(first.alg).toBe("RS256");

    expect(ensureSigningKey("RS256", dotEnv)).toBe("kept");
    expect(readFileSync(dotEnv, "utf8")).toBe(text);
  });

  it("replaces an RSA key with an EC P-256 one when ACCESS_TOKEN_ALG asks for ES256", async () => {
    ensureSigningKey("RS256", dotEnv);
    expect(ensureSigningKey("ES256", dotEnv)).toBe("replaced");
    expect((await keyTheApiReads()).alg).toBe("ES256");
  });

  it("makes a key pair for HS256 too, and keeps any key pair there, so that a switch later needs no step", async () => {
    expect(ensureSigningKey("HS256", dotEnv)).toBe("created");
    expect((await keyTheApiReads()).alg).toBe("RS256");
    ensureSigningKey("ES256", dotEnv);
    expect(ensureSigningKey("HS256", dotEnv)).toBe("kept");
    expect((await keyTheApiReads()).alg).toBe("ES256");
  });

  it("replaces a value that is no key, leaving the other lines as they were", async () => {
    writeFileSync(dotEnv, "JWT_SECRET=abc\nJWT_PRIVATE_KEY=not-a-key\nB=2\n");
    expect(ensureSigningKey("RS256", dotEnv)).toBe("created");
    expect(parseEnv(readFileSync(dotEnv, "utf8"))).toMatchObject({ JWT_SECRET: "abc", B: "2" });
    expect((await keyTheApiReads()).alg).toBe("RS256");
  });
});
