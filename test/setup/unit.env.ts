import { newSigningKeyPem } from "../../lib/auth/new-signing-key.ts";

// The unit project's settings, fixed so that a developer's shell cannot change a result.
// DATABASE_URL stays unset: a unit test that reaches for the database fails at once with
// "DATABASE_URL environment variable is not set" instead of using whatever database is around.
process.env.JWT_SECRET = "unit-test-jwt-secret-0123456789-0123456789";
// A key pair of this test file's own: access tokens are RS256 by default.
process.env.JWT_PRIVATE_KEY = newSigningKeyPem("RS256");
delete process.env.ACCESS_TOKEN_ALG;
process.env.CORS_ORIGINS = "http://localhost:8081";
process.env.ACCESS_TOKEN_TTL = "900";
// The lowest cost bcrypt allows; passwords.test.ts checks that the setting is honoured.
process.env.BCRYPT_COST = "4";
delete process.env.DATABASE_URL;
delete process.env.JWT_ISSUER;
delete process.env.JWT_AUDIENCE;
delete process.env.SECRETS_MAX_AGE;
delete process.env.DATABASE_HOST;
delete process.env.DATABASE_PORT;
delete process.env.DATABASE_NAME;
