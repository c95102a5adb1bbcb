/**
 * `deno task bench`: runs every benchmark, each in its own Deno process (a clean heap, and
 * `--v8-flags=--expose-gc`), and writes the figures into `BENCHMARKS.md` between the
 * `<!-- bench:start -->` and `<!-- bench:end -->` markers; everything outside the markers (the
 * Reliability section, the optimisation notes) is left as it is.
 *
 * Flags: `--quick` for a smoke run with small counts (figures not for quoting);
 * `--only=overhead,peers,pagination,bundle,edge,webhooks,x402,sandbox` for a subset (the file is then not
 * written); `--no-write` to print only. Other `--name=value` settings pass through to every
 * benchmark (see each file).
 *
 * @module
 */
import { RESULT_PREFIX } from "./_lib.ts";
import { render, splice } from "./_report.ts";

const BENCHES = {
  overhead: ["overhead.ts"],
  overheadSandbox: ["overhead.ts", "--sandbox"],
  peers: ["peers.ts"],
  pagination: ["pagination.ts"],
  bundle: ["bundle.ts"],
  webhooks: ["webhooks.ts"],
  x402: ["x402.ts"],
  sandbox: ["sandbox.ts"],
  edge: ["edge.ts"],
} as const;

const QUICK = [
  "--calls=2000",
  "--warmup=200",
  "--round=250",
  "--items=20000",
  "--passes=1",
  "--verifications=2000",
  "--peer-calls=1000",
  "--signatures=200",
  "--requests=400",
  "--seconds=0.5",
  "--edge-calls=100",
  "--edge-burst=80",
];

const quick = Deno.args.includes("--quick");
const only = Deno.args.find((arg) => arg.startsWith("--only="))?.slice(7).split(",");
const passThrough = Deno.args.filter((arg) =>
  /^--[a-z-]+=/.test(arg) && !arg.startsWith("--only=")
);
const write = !Deno.args.includes("--no-write") && !only && !quick;

/** Runs one benchmark file and returns its result object. */
async function run(name: string, args: readonly string[]): Promise<Record<string, unknown>> {
  console.log(`\n=== ${name}: ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--v8-flags=--expose-gc",
      new URL(args[0]!, import.meta.url).pathname,
      ...args.slice(1),
      ...(quick ? QUICK : []),
      ...passThrough,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let result: Record<string, unknown> | undefined;
  const lines = child.stdout.pipeThrough(new TextDecoderStream());
  let buffered = "";
  for await (const chunk of lines) {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length));
      else console.log(line);
    }
  }
  const status = await child.status;
  if (!status.success || !result) {
    throw new Error(`Benchmark '${name}' failed: exit code ${status.code}`);
  }
  return result;
}

async function commandText(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "unknown";
  }
}

async function machine(): Promise<Record<string, string>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = cpuinfo.match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown";
  return {
    cpu: model,
    cores: String(navigator.hardwareConcurrency),
    memory: `${Math.round(Deno.systemMemoryInfo().total / 2 ** 30)} GiB`,
    os: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    loadavg: Deno.loadavg().map((n) => n.toFixed(2)).join(" "),
  };
}

async function versions(): Promise<Record<string, string>> {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const imports = denoJson.imports as Record<string, string>;
  return {
    sdk: denoJson.version,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    node: await commandText("node", ["--version"]),
    miniflare: imports["miniflare"]?.replace(/^npm:miniflare@/, "") ?? "unknown",
    hono: imports["hono"]?.replace(/^npm:hono@/, "") ?? "unknown",
    commit: await commandText("git", ["rev-parse", "--short", "HEAD"]),
  };
}

const started = new Date();
const before = await machine();
const results: Record<string, unknown> = {};
const failures: Record<string, string> = {};
for (const [name, args] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue;
  try {
    const result = await run(name, args);
    results[name] = Object.values(result)[0];
  } catch (error) {
    // One broken benchmark (say, no npm registry for the bundle peers) must not lose the rest.
    failures[name] = error instanceof Error ? error.message : String(error);
    console.error(`${name}: ${failures[name]}`);
  }
}
const after = await machine();
const report = render({
  results,
  machine: { ...before, loadavgAfter: after.loadavg! },
  versions: await versions(),
  started,
  finished: new Date(),
  quick,
  failures,
});
console.log("\n" + report);

if (write) {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  const existing = await Deno.readTextFile(path).catch(() => undefined);
  await Deno.writeTextFile(path, splice(existing, report));
  // Keep the file `deno fmt` clean (it aligns the tables); idempotent on clean sections.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path.pathname] }).output();
  console.log(`\nWrote ${path.pathname}`);
}

if (Object.keys(failures).length > 0) Deno.exit(1);
