import { vi } from "vitest";

/**
 * What the process writes to stdout and stderr from now on (the logger's JSON lines), kept out of
 * the test run's output; vitest's restoreMocks puts the streams back after the test.
 */
export function capturedOutput(): string[] {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
  }
  return lines;
}
