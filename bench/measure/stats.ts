// The figures every measurement reports. Medians and p99 of one run, never a single sample: this
// machine is shared, and interleaving the things compared lets its noise fall on all of them alike.

export interface Spread {
  median: number;
  p99: number;
  samples: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function spreadOf(values: number[]): Spread {
  if (values.length === 0) throw new Error("no samples");
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), samples: values.length };
}

/**
 * Runs `rounds` rounds; in each, every task once, in turn, each timed on its own. Returns each
 * task's durations in milliseconds, in the tasks' order.
 */
export async function interleaved<Name extends string>(
  rounds: number,
  tasks: Record<Name, () => unknown>,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(tasks) as Name[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const started = performance.now();
      await tasks[name]();
      times[name].push(performance.now() - started);
    }
  }
  return times;
}
