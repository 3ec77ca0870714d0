import { inject } from "vitest";

// The db project's tests call lib/ and the handlers directly: give them the run's database and
// secret, as the stage would.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.JWT_SECRET = inject("jwtSecret");
process.env.JWT_PRIVATE_KEY = inject("jwtPrivateKey");
delete process.env.ACCESS_TOKEN_ALG;
delete process.env.JWT_ISSUER;
process.env.CORS_ORIGINS = inject("corsOrigin");
process.env.BCRYPT_COST = "4";
// Read by lib/db/database-secret.ts when set: a developer's shell must not point the tests elsewhere.
delete process.env.DATABASE_HOST;
delete process.env.DATABASE_PORT;
delete process.env.DATABASE_NAME;
delete process.env.SECRETS_MAX_AGE;
delete process.env.REFRESH_TOKEN_ROTATION;
delete process.env.REFRESH_TOKEN_REUSE_INTERVAL;
