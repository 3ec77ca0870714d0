import { inject } from "vitest";

// Unit tests call lib/ directly: give them the run's database and secret, as the stage would.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.JWT_SECRET = inject("jwtSecret");
process.env.CORS_ORIGINS = inject("corsOrigin");
process.env.BCRYPT_COST = "4";
