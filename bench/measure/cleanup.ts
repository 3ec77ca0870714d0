// What the bench must undo however it ends: its database, its temporary folders, the baseline's
// git worktree, serverless-offline. `finally` blocks do not run when Ctrl-C ends the process, so
// the same undoing also runs on SIGINT and SIGTERM.

type Undo = () => unknown;

const undos: Undo[] = [];

/** Registers `undo`; the returned function runs it now (once) and forgets it. */
export function onCleanUp(undo: Undo): () => Promise<void> {
  undos.push(undo);
  return async () => {
    const index = undos.indexOf(undo);
    if (index >= 0) {
      undos.splice(index, 1);
      await undo();
    }
  };
}

/** Runs what is left to undo, the latest first; a failing undo does not stop the others. */
export async function cleanUp(): Promise<void> {
  while (undos.length > 0) {
    try {
      await undos.pop()!();
    } catch (error) {
      console.error("bench clean-up:", error);
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}
