/**
 * The Worker as a user builds and runs it (`deno run -A scripts/test_worker_build.ts`): installs
 * `worker/`'s npm dependencies when missing, builds the bundle with
 * `wrangler deploy --dry-run --outdir` (checking that `contract/`'s zod is worker/'s own), checks
 * `worker-configuration.d.ts` with `wrangler types --check`, then starts `wrangler dev` offline
 * on 127.0.0.1 with the documented `.dev.vars.example` and checks it answers. Ends with one line, `N passed, M failed`; exits 1 when anything failed.
 *
 * @module
 */

const WORKER = new URL("../worker/", import.meta.url).pathname;
const TIMEOUT_MS = 120_000;

let passed = 0;
let failed = 0;

async function check(name: string, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await run();
    passed++;
    console.log(`--- ok ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`--- FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function exec(cmd: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(cmd, {
    args,
    cwd: WORKER,
    env: { CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${cmd} ${args.join(" ")} exited ${output.code}:\n${text}`);
  return text;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

await check("npm installs worker/ dependencies from its lockfile", async () => {
  try {
    await Deno.stat(`${WORKER}node_modules/.bin/wrangler`);
  } catch {
    await exec("npm", ["ci", "--no-audit", "--no-fund"]);
  }
  await Deno.stat(`${WORKER}node_modules/.bin/wrangler`);
});

await check("wrangler deploy --dry-run --outdir builds the bundle", async () => {
  const outdir = await Deno.makeTempDir({ prefix: "peaqos-worker-build-" });
  try {
    const log = await exec("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir]);
    if (!log.includes("--dry-run: exiting now")) throw new Error(`unexpected output:\n${log}`);
    const bundle = await Deno.readTextFile(`${outdir}/index.js`);
    for (const needle of ["Ledger", "webhook-signature", "peaq-os-sdk-js/"]) {
      if (!bundle.includes(needle)) throw new Error(`bundle lacks '${needle}'`);
    }
    // `contract/` resolves zod through wrangler.jsonc's alias, never from the repository root's
    // node_modules (absent unless `deno install` ran): one zod, worker/'s own.
    const { sources } = JSON.parse(await Deno.readTextFile(`${outdir}/index.js.map`)) as {
      sources: string[];
    };
    const zods = new Set(
      sources.filter((source) => source.includes("/zod/")).map((source) =>
        source.slice(0, source.indexOf("/zod/"))
      ),
    );
    if (!sources.some((source) => source.endsWith("/contract/fields.ts"))) {
      throw new Error("bundle lacks contract/fields.ts");
    }
    if (zods.size !== 1 || ![...zods][0]!.endsWith("worker/node_modules")) {
      throw new Error(`bundle has zod from ${[...zods].join(", ")}`);
    }
  } finally {
    await Deno.remove(outdir, { recursive: true });
  }
});

await check(
  "worker-configuration.d.ts is what wrangler types makes of wrangler.jsonc",
  async () => {
    const log = await exec("npx", [
      "wrangler",
      "types",
      "--include-runtime=false",
      "--strict-vars=false",
      "--check",
    ]);
    if (!log.includes("up to date")) throw new Error(`unexpected output:\n${log}`);
  },
);

await check("wrangler dev serves the Worker offline on 127.0.0.1", async () => {
  const port = freePort();
  // In its own process group (setsid), so the whole tree (npx, wrangler, workerd) ends together.
  const child = new Deno.Command("setsid", {
    args: [
      "npx",
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(freePort()),
      "--env-file",
      ".dev.vars.example",
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    cwd: WORKER,
    env: { CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
    stdin: "null",
  }).spawn();
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    let health: Response | undefined;
    while (Date.now() < deadline) {
      try {
        health = await fetch(`http://127.0.0.1:${port}/health`);
        if (health.ok) break;
        await health.body?.cancel();
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!health?.ok) throw new Error(`no healthy answer on port ${port} within ${TIMEOUT_MS} ms`);
    const body = await health.json() as { status?: string };
    if (body.status !== "ok") throw new Error(`health answered ${JSON.stringify(body)}`);
    const unauthorized = await fetch(`http://127.0.0.1:${port}/v1/market/services`);
    const refusal = await unauthorized.json() as { error?: { code?: string } };
    if (unauthorized.status !== 401 || typeof refusal.error?.code !== "string") {
      throw new Error(`an unauthenticated proxy call answered ${unauthorized.status}`);
    }
  } finally {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  }
});

console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
