// Every project's workers. vitest runs test files in child processes that outlive its main
// process when that one is interrupted or killed alone: such a worker would go on with its test
// against a server and a database the run guard is taking away, and could make new ones. It
// stops as soon as its channel to the run closes instead.
const worker = process as NodeJS.Process & { exitsWithRun?: true };
if (worker.connected && !worker.exitsWithRun) {
  worker.exitsWithRun = true;
  worker.once("disconnect", () => process.exit(1));
}
