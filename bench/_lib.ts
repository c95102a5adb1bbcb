/**
 * Helpers shared by the benchmarks: statistics, settings, child servers and the result line
 * the runner (`bench/main.ts`) collects.
 *
 * Every figure a benchmark reports is a ratio against a baseline measured in the same process
 * and the same run, in interleaved rounds, because absolute times on a shared machine are noise.
 *
 * @module
 */

/** Prefix of the one line a benchmark prints for the runner; the rest of stdout is for people. */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** The value at quantile `q` (0..1) of `values`, nearest rank; `NaN` when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** `value` rounded to `digits` decimals, for tables. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * A numeric setting: `--name=value` on the command line wins, then `BENCH_<NAME>` in the
 * environment, then `fallback`. Lets `deno task bench --quick` and CI shrink every run.
 */
export function setting(name: string, fallback: number): number {
  const flag = Deno.args.find((arg) => arg.startsWith(`--${name}=`));
  const raw = flag?.slice(name.length + 3) ??
    Deno.env.get(`BENCH_${name.toUpperCase().replaceAll("-", "_")}`);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Invalid setting '${name}': expected a positive number: received '${raw}'`);
  }
  return value;
}

/** Heap in use after a full GC; needs `--v8-flags=--expose-gc` (else it is only approximate). */
export function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

/** Whether `--v8-flags=--expose-gc` is on, so heap figures are after a real GC. */
export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === "function";
}

/** A server running in a child Deno process, so it does not share the client's JS thread. */
export type ChildServer = {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** What the child printed after the origin (JSON), if anything. */
  readonly meta: unknown;
  /** Stops the child and waits for it to exit. */
  close(): Promise<void>;
};

/**
 * Starts `deno run -A <script> ...args` and waits for its first stdout line,
 * `LISTENING <origin>` or `LISTENING <origin> <JSON>`. The child is stopped by `close()`.
 */
export async function startChild(
  script: string | URL,
  args: readonly string[] = [],
): Promise<ChildServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script.toString(), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Child server exited before listening: '${script}'`);
    buffered += value;
  }
  const line = buffered.slice(0, buffered.indexOf("\n")).trim();
  if (!line.startsWith("LISTENING ")) {
    child.kill("SIGKILL");
    throw new Error(`Unexpected first line from child server: '${line}'`);
  }
  // Keep draining so the child never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  const rest = line.slice("LISTENING ".length);
  const space = rest.indexOf(" ");
  return {
    url: space < 0 ? rest : rest.slice(0, space),
    meta: space < 0 ? undefined : JSON.parse(rest.slice(space + 1)),
    async close() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
      await drained.catch(() => {});
    },
  };
}

/** Prints the machine-readable result line for `bench/main.ts`. */
export function emit(result: unknown): void {
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

/** Keeps the optimiser from dropping work whose result is otherwise unused. */
export let sink = 0;

/** Feeds `value` into {@linkcode sink}. */
export function consume(value: unknown): void {
  sink = (sink + (typeof value === "string" ? value.length : 1)) | 0;
}

/**
 * Runs `calls` sequential calls of each contender, interleaved in rounds of `roundSize` whose
 * order alternates (A B, B A, ...), after `warmup` untimed calls of each. Returns every
 * per-call time in milliseconds, per contender, and the per-round medians.
 */
export async function interleaved(
  contenders: Readonly<Record<string, () => Promise<unknown>>>,
  options: { readonly calls: number; readonly roundSize: number; readonly warmup: number },
): Promise<Record<string, { samples: number[]; roundMedians: number[] }>> {
  const names = Object.keys(contenders);
  const out: Record<string, { samples: number[]; roundMedians: number[] }> = {};
  for (const name of names) out[name] = { samples: [], roundMedians: [] };
  for (let i = 0; i < options.warmup; i++) {
    for (const name of names) await contenders[name]!();
  }
  const rounds = Math.max(1, Math.ceil(options.calls / options.roundSize));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const call = contenders[name]!;
      const times: number[] = [];
      for (let i = 0; i < options.roundSize; i++) {
        const started = performance.now();
        await call();
        times.push(performance.now() - started);
      }
      out[name]!.samples.push(...times);
      out[name]!.roundMedians.push(median(times));
    }
  }
  return out;
}
