/**
 * The README's test command (`deno task test`): runs every suite, streams its output, and
 * ends with one line of totals, `N passed, M failed`.
 *
 * Suites: the static checks (format, lint, type-check, JSDoc examples; one test each), the Deno suite
 * (`tests/`, sanitizers on) and the cross-runtime suites (`scripts/test_runtimes.ts`: the npm
 * tarball on Node, Bun and workerd, plus the package lints), the Worker as a user builds and
 * runs it (`wrangler deploy --dry-run`, `wrangler dev`), the sandbox's npm package
 * (`scripts/test_sandbox_npm.ts`: its command and an SDK story on Node, Bun and Deno) and its JSR
 * package (`scripts/test_sandbox_jsr.ts`: `deno publish --dry-run` of the staged folder, the
 * story and the command on it). Each suite's own summary line is
 * parsed for its counts; a suite that exits non-zero without a parsable summary counts as one
 * failure.
 *
 * @module
 */

type Suite = {
  readonly name: string;
  readonly args: readonly string[];
  /** Counts from the suite's output; a static check has none and counts as one test. */
  readonly parse?: (output: string) => [number, number] | undefined;
};

const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

// Deno's summary: "ok | 12 passed (3 steps) | 0 failed" or "FAILED | 1 passed | 2 failed".
function parseDeno(output: string): [number, number] | undefined {
  const plain = output.replace(ANSI, "");
  const summary = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g;
  const match = [...plain.matchAll(summary)].at(-1);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

// The plain line our own runners print: "N passed, M failed".
function parsePlain(output: string): [number, number] | undefined {
  const match = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const suites: Suite[] = [
  { name: "format", args: ["fmt", "--check"] },
  { name: "lint", args: ["lint"] },
  {
    name: "type-check",
    args: [
      "check",
      "mod.ts",
      "src/",
      "signer/",
      "contract/",
      "sandbox/",
      "worker/src/",
      "tests/",
      "scripts/",
      "bench/",
    ],
  },
  // The JSDoc examples of the public entry points type-check as written.
  { name: "doc examples", args: ["check", "--doc", "mod.ts", "src/", "signer/"] },
  {
    name: "deno tests",
    args: ["test", "-A", "--sanitize-ops", "--sanitize-resources", "tests/"],
    parse: parseDeno,
  },
  { name: "runtimes", args: ["run", "-A", "scripts/test_runtimes.ts"], parse: parsePlain },
  { name: "worker build", args: ["run", "-A", "scripts/test_worker_build.ts"], parse: parsePlain },
  // The sandbox's npm package from its tarball on Node, Bun and Deno.
  { name: "sandbox npm", args: ["run", "-A", "scripts/test_sandbox_npm.ts"], parse: parsePlain },
  // The sandbox's JSR package, staged self-contained: publish dry run, story and command.
  { name: "sandbox jsr", args: ["run", "-A", "scripts/test_sandbox_jsr.ts"], parse: parsePlain },
];

// The subcommands that resolve modules, and so read the lockfile (fmt and lint do not take one).
const LOCKED = new Set(["check", "test", "run"]);

async function run(suite: Suite): Promise<[number, number]> {
  console.log(`\n=== ${suite.name}: deno ${suite.args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    // The full lockfile: deno.json itself keeps none, so `deno task demo` and the sandbox fetch
    // only what they import (see tests/deps/README.md).
    args: LOCKED.has(suite.args[0]!)
      ? [suite.args[0]!, "--lock=deno.lock", ...suite.args.slice(1)]
      : [...suite.args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
  ]);
  if (!suite.parse) return status.success ? [1, 0] : [0, 1];
  const counts = suite.parse(output);
  if (!counts) return [0, status.success ? 0 : 1];
  // A suite that failed without reporting a failed test (a crash after the summary) still fails.
  return !status.success && counts[1] === 0 ? [counts[0], 1] : counts;
}

let passed = 0;
let failed = 0;
for (const suite of suites) {
  const [ok, bad] = await run(suite);
  passed += ok;
  failed += bad;
}
console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 && passed > 0 ? 0 : 1);
