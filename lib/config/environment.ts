// Reading the environment: the helpers every settings module shares, and one way for tests to
// make every module that cached a setting read it again.

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function integerFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const choice = choices.find((candidate) => candidate === raw);
  if (choice === undefined) throw new ConfigError(`${name} must be one of ${choices.join(", ")}`);
  return choice;
}

// Each module that caches what it read registers how to forget it, so that a bundle carries only
// the settings it reads and resetConfig() still reaches every cache that bundle has.
const resets: (() => void)[] = [];

export function onResetConfig(reset: () => void): void {
  resets.push(reset);
}

/** Forget everything read so far; for tests that change the environment. */
export function resetConfig(): void {
  for (const reset of resets) reset();
}
