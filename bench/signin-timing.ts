// Signin's answer time for a wrong password vs an unknown username, at the default bcrypt cost,
// through the real handler and a real database. The two should be about equal (ratio near 1):
// otherwise response times tell an attacker which usernames exist.
//   npm run bench:signin
import { resolve } from "node:path";
import { createTestDatabase } from "../test/support/database.ts";
import { httpEvent, lambdaContext } from "../test/support/lambda-events.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const database = await createTestDatabase("auth_api_bench");
process.env.DATABASE_URL = database.url;
process.env.JWT_SECRET ??= "bench-secret-bench-secret-bench-secret";
delete process.env.BCRYPT_COST; // the default cost, as deployed

try {
  const { applyMigrations } = await import("../lib/db/migrations.ts");
  await applyMigrations({ databaseUrl: database.url, migrationsDir: resolve("prisma/migrations") });
  const { handler: signup } = await import("../functions/signup.ts");
  const { handler: signin } = await import("../functions/signin.ts");
  const { disconnectPrisma } = await import("../lib/db/client.ts");

  // One account per round, as one unknown name per round: five failures in a row on one name
  // would lock it (429), and each name's first failure costs the lockout the same insert.
  const accounts = Array.from({ length: ROUNDS }, (_, round) => ({
    username: `bench_user_${round}`,
    email: `bench_${round}@example.com`,
    password: "the-right-password",
  }));
  for (const account of accounts) await signup(httpEvent({ body: account }) as never, lambdaContext());

  async function timeSignin(username: string, password: string): Promise<number> {
    const started = performance.now();
    const answer = await signin(httpEvent({ body: { username, password } }) as never, lambdaContext());
    if (answer.statusCode !== 401) throw new Error(`expected 401, got ${answer.statusCode}`);
    return performance.now() - started;
  }

  const wrongPassword: number[] = [];
  const unknownUser: number[] = [];
  await timeSignin("warm_up", "x"); // first call pays for the connection
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so that machine noise falls on both alike.
    wrongPassword.push(await timeSignin(accounts[round]!.username, "a-wrong-password"));
    unknownUser.push(await timeSignin(`nobody_${round}`, "a-wrong-password"));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [known, unknown] = [median(wrongPassword), median(unknownUser)];
  console.log(`signin 401, median of ${ROUNDS} (bcrypt cost 10):`);
  console.log(`  wrong password:   ${known.toFixed(1)} ms`);
  console.log(`  unknown username: ${unknown.toFixed(1)} ms`);
  console.log(`  ratio unknown/wrong: ${(unknown / known).toFixed(3)}`);
  await disconnectPrisma();
} finally {
  await database.drop();
}
