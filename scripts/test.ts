/**
 * The README's test command (`deno task test`): runs every suite, streams its output, and
 * ends with one line of totals, `N passed, M failed`.
 *
 * Suites: the Deno suite (`tests/`, sanitizers on) and, when present, the cross-runtime
 * suites. Each suite's own summary line is parsed for its counts; a suite that exits non-zero
 * without a parsable summary counts as one failure.
 *
 * @module
 */

type Suite = {
  readonly name: string;
  readonly cmd: readonly string[];
  readonly cwd?: string;
  /** Returns [passed, failed] from the suite's output, or undefined when not found. */
  readonly parse: (output: string) => [number, number] | undefined;
};

const deno = Deno.execPath();

// Deno's summary: "ok | 12 passed (3 steps) | 0 failed" or "FAILED | 1 passed | 2 failed".
function parseDeno(output: string): [number, number] | undefined {
  const plain = output.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
  const match = [
    ...plain.matchAll(/(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g),
  ].at(-1);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

// The plain line our own runners print: "N passed, M failed".
function parsePlain(output: string): [number, number] | undefined {
  const match = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const suites: Suite[] = [
  {
    name: "deno",
    cmd: [deno, "test", "-A", "--sanitize-ops", "--sanitize-resources", "tests/"],
    parse: parseDeno,
  },
];

// Cross-runtime suites (Node, Bun, workerd against the packed tarball) join when present.
try {
  await Deno.stat("scripts/test_runtimes.ts");
  suites.push({
    name: "runtimes",
    cmd: [deno, "run", "-A", "scripts/test_runtimes.ts"],
    parse: parsePlain,
  });
} catch {
  // not built yet
}

let passed = 0;
let failed = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.name}: ${suite.cmd.slice(1).join(" ")}`);
  const child = new Deno.Command(suite.cmd[0]!, {
    args: suite.cmd.slice(1),
    ...(suite.cwd ? { cwd: suite.cwd } : {}),
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
  const counts = suite.parse(output);
  if (counts) {
    passed += counts[0];
    failed += counts[1];
    if (!status.success && counts[1] === 0) failed += 1;
  } else {
    failed += status.success ? 0 : 1;
    if (status.success) console.log(`(${suite.name}: no summary line found)`);
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 && passed > 0 ? 0 : 1);
