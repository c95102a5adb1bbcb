/**
 * The Worker as a user builds and runs it (`deno run -A scripts/test_worker_build.ts`): installs
 * `worker/`'s npm dependencies when missing, builds the bundle with
 * `wrangler deploy --dry-run --outdir` (checking that `contract/`'s zod is worker/'s own), checks
 * `worker-configuration.d.ts` with `wrangler types --check`, then starts `wrangler dev` offline
 * on 127.0.0.1 with the documented `.dev.vars.example` and checks it answers (health, an
 * unauthenticated proxy call, and MCP `initialize` + `tools/list`), and runs the local run's
 * story against it (`scripts/local.ts`: the sandbox's webhooks in, the loopback provider called
 * once over plain http, the order confirmed). Ends with one line, `N passed, M failed`; exits 1
 * when anything failed.
 *
 * @module
 */
import { Checks, freePort } from "./checks.ts";
import { startLocal } from "./local.ts";

const WORKER = new URL("../worker/", import.meta.url).pathname;
const TIMEOUT_MS = 120_000;
/** One request to `wrangler dev`; a hung answer fails the check instead of the suite. */
const REQUEST_TIMEOUT_MS = 15_000;

const checks = new Checks();
const check = checks.check.bind(checks);

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

/** The edge key whose hash `.dev.vars.example` lists (tenant `dev`). */
const DEV_EDGE_KEY = "edge_dev_key_change_me";

/**
 * MCP over Streamable HTTP as a client speaks it: `initialize`, then `tools/list` as a request
 * of its own (the endpoint is stateless), with the dev edge key.
 */
async function probeMcp(url: string): Promise<void> {
  const rpc = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      method: "POST",
      headers: {
        authorization: `Bearer ${DEV_EDGE_KEY}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`MCP answered ${response.status}: ${text}`);
    return JSON.parse(text) as { result?: Record<string, unknown> };
  };
  const init = await rpc({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "test_worker_build", version: "1" },
    },
  });
  const server = (init.result?.serverInfo as { name?: string } | undefined)?.name;
  if (server !== "peaqos-edge") throw new Error(`MCP initialize answered ${JSON.stringify(init)}`);
  const list = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/list" }, {
    "mcp-protocol-version": "2025-06-18",
  });
  const names = ((list.result?.tools ?? []) as { name: string }[]).map((tool) => tool.name);
  for (const name of ["search_market", "create_order", "pay_order", "execute_order"]) {
    if (!names.includes(name)) throw new Error(`MCP tools/list lacks '${name}': ${names}`);
  }
}

type LockPackages = Record<string, { version?: string; optional?: boolean }>;

async function lockPackages(path: string): Promise<LockPackages | undefined> {
  try {
    const lock = JSON.parse(await Deno.readTextFile(`${WORKER}${path}`)) as {
      packages?: LockPackages;
    };
    return lock.packages ?? {};
  } catch {
    return undefined;
  }
}

/**
 * Whether `worker/node_modules` holds what `package-lock.json` pins: every package npm must
 * install (optional ones, such as other platforms' binaries, may be absent) at its locked version.
 */
async function installedAsLocked(): Promise<boolean> {
  const [installed, locked] = await Promise.all([
    lockPackages("node_modules/.package-lock.json"),
    lockPackages("package-lock.json"),
  ]);
  if (installed === undefined || locked === undefined) return false;
  return Object.entries(locked).every(([name, entry]) =>
    name === "" || entry.optional === true || installed[name]?.version === entry.version
  );
}

await check("npm installs worker/ dependencies from its lockfile", async () => {
  // A node_modules left by an older lockfile (a dependency added since) is installed again.
  if (!await installedAsLocked()) await exec("npm", ["ci", "--no-audit", "--no-fund"]);
  await Deno.stat(`${WORKER}node_modules/.bin/wrangler`);
  if (!await installedAsLocked()) {
    throw new Error("worker/node_modules differs from package-lock.json");
  }
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
    // Likewise `signer/`'s @noble (x402 signing for MCP), and every other package: worker/'s.
    const outside = sources.filter((source) =>
      source.includes("node_modules/") && !source.includes("worker/node_modules/")
    );
    if (outside.length > 0) throw new Error(`bundle has packages from ${outside.slice(0, 3)}`);
    if (!sources.some((source) => source.includes("@modelcontextprotocol/sdk/"))) {
      throw new Error("bundle lacks @modelcontextprotocol/sdk");
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

/**
 * `wrangler dev` offline on 127.0.0.1 with these env files (later ones override earlier ones, as
 * `.dev.vars` does), once `/health` answers. In its own process group (setsid), so `stop()` ends
 * the whole tree (npx, wrangler, workerd) together.
 */
async function wranglerDev(
  port: number,
  envFiles: readonly string[],
): Promise<{ stop(): Promise<void> }> {
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
      ...envFiles.flatMap((file) => ["--env-file", file]),
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
  const stop = async () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  };
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      // A Worker that failed to build can accept the connection and never answer.
      const health = await fetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = await health.json().catch(() => ({})) as { status?: string };
      if (health.ok && body.status === "ok") return { stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`no healthy answer on port ${port} within ${TIMEOUT_MS} ms`);
}

await check(
  "wrangler dev serves the Worker (and its MCP endpoint) offline on 127.0.0.1",
  async () => {
    const port = freePort();
    const dev = await wranglerDev(port, [".dev.vars.example"]);
    try {
      const unauthorized = await fetch(`http://127.0.0.1:${port}/v1/market/services`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const refusal = await unauthorized.json() as { error?: { code?: string } };
      if (unauthorized.status !== 401 || typeof refusal.error?.code !== "string") {
        throw new Error(`an unauthenticated proxy call answered ${unauthorized.status}`);
      }
      await probeMcp(`http://127.0.0.1:${port}/mcp`);
    } finally {
      await dev.stop();
    }
  },
);

await check(
  "wrangler dev runs the local run's handoff: webhooks in, loopback provider called once, order confirmed",
  async () => {
    // The local run on free ports; `.dev.vars.example` as written, with only its two local
    // addresses moved to them by a second env file.
    const port = freePort();
    await using local = await startLocal({
      sandboxPort: 0,
      providerPort: 0,
      workerUrl: `http://127.0.0.1:${port}`,
      webhookRetryDelayMs: 200,
    });
    const moved = await Deno.makeTempFile({ prefix: "peaqos-local-", suffix: ".env" });
    try {
      await Deno.writeTextFile(
        moved,
        `PEAQOS_ORCHESTRATION_URL=${local.sandbox.url}\n` +
          `HANDOFF_ALLOWED_HOSTS=${new URL(local.provider.url).host}\n`,
      );
      const dev = await wranglerDev(port, [".dev.vars.example", moved]);
      try {
        const { order, providerCalls, workerRecord } = await local.runHandoff();
        const types = workerRecord.events.map((event) => event.type);
        if (order.status !== "confirmed") throw new Error(`order is '${order.status}'`);
        if (providerCalls.length !== 1) {
          throw new Error(`the provider was called ${providerCalls.length} times`);
        }
        if (!types.includes("order.handoff") || workerRecord.handoff?.state !== "confirmed") {
          throw new Error(`the Worker recorded ${JSON.stringify(workerRecord)}`);
        }
      } finally {
        await dev.stop();
      }
    } finally {
      await Deno.remove(moved);
    }
  },
);

checks.finish();
