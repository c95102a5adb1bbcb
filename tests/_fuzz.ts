/**
 * Shared settings of the property tests: one fixed seed so CI is reproducible, and knobs for
 * longer local runs.
 *
 * - `FUZZ_RUNS=N` (or `-- --runs=N` after the test files) runs every property N times instead
 *   of its CI default.
 * - `FUZZ_SEED=N` replaces the fixed seed; `FUZZ_SEED=random` picks a new one per run (it is
 *   printed, and fast-check prints it again in any failure report, so a failure can be replayed).
 *
 * @example Longer run of the transport fuzz
 * ```sh
 * FUZZ_RUNS=200000 npx --yes deno@2 test -A tests/fuzz/transport_test.ts
 * ```
 *
 * @module
 */
import type { Parameters as FcParameters } from "fast-check";

const DEFAULT_SEED = 20261128;

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function runsOverride(): number | undefined {
  const arg = Deno.args.find((value) => value.startsWith("--runs="));
  const text = arg?.slice("--runs=".length) ?? readEnv("FUZZ_RUNS");
  if (text === undefined) return undefined;
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`Invalid 'FUZZ_RUNS': must be a positive integer: received '${text}'`);
  }
  return runs;
}

function seed(): number {
  const text = readEnv("FUZZ_SEED");
  if (text === undefined) return DEFAULT_SEED;
  if (text === "random") {
    const chosen = Math.floor(Math.random() * 2 ** 31);
    console.log(`fuzz: FUZZ_SEED=${chosen}`);
    return chosen;
  }
  const value = Number(text);
  if (!Number.isInteger(value)) {
    throw new Error(`Invalid 'FUZZ_SEED': must be an integer or 'random': received '${text}'`);
  }
  return value;
}

/** The seed every property of this run uses. */
export const FUZZ_SEED: number = seed();

/** The `FUZZ_RUNS` override, when set. */
export const FUZZ_RUNS: number | undefined = runsOverride();

/** fast-check parameters for a property whose CI default is `ciRuns` runs. */
export function fuzzParams<T>(ciRuns: number): FcParameters<T> {
  return { seed: FUZZ_SEED, numRuns: FUZZ_RUNS ?? ciRuns };
}
