/**
 * The sandbox's npm package as a user installs it (`deno task test:sandbox-npm`): builds and
 * packs `@peaqos/peaq-os-sandbox` (`scripts/build_sandbox_npm.ts`) and the SDK
 * (`scripts/build_npm.ts`), installs both tarballs into a fresh temporary npm project, then on
 * Node checks the `peaqos-sandbox` command (`--help`, a typo, serving `/health` and stopping on
 * SIGTERM with exit code 0), a plain Node script that imports `startSandbox` and runs an SDK
 * story against it and then exits by itself (no open handle), and a strict TypeScript consumer
 * of the declarations; the same command and story on Bun (the `bun` npm package at the version `scripts/runtimes_tools.ts` pins) and the
 * story on Deno. Ends with one line, `N passed, M failed`; exits 1 when anything failed.
 *
 * @module
 */
import { Checks, freePort, waitForHealth } from "./checks.ts";
import * as esbuild from "esbuild";
import { buildNpm } from "./build_npm.ts";
import { buildSandboxNpm, SANDBOX_PACKAGE } from "./build_sandbox_npm.ts";
import { RUNTIME_TOOLS } from "./runtimes_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const TIMEOUT_MS = 180_000;
/** A story must finish, and its process exit, within this. */
const STORY_TIMEOUT_MS = 60_000;
const BUN = `bun@${RUNTIME_TOOLS.bun}`;

const checks = new Checks();
const check = checks.check.bind(checks);

type Result = { code: number; stdout: string; stderr: string };

async function exec(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs = TIMEOUT_MS,
): Promise<Result> {
  const output = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { NO_COLOR: "1", npm_config_fund: "false", npm_config_audit: "false" },
    stdin: "null",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function mustRun(cmd: string, args: string[], cwd: string, timeoutMs?: number) {
  const result = await exec(cmd, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${result.code}:\n${result.stdout}${result.stderr}`,
    );
  }
  return result;
}

/**
 * Starts the command in its own process group, checks `/health`, `/openapi.json`, `--api-key`
 * and the test controls, then sends SIGTERM. With `direct`, the command is the server itself,
 * which must exit 0; through a wrapper (npx), the whole group is stopped (npm exec does not
 * forward the signal's outcome).
 */
async function serveAndStop(
  cmd: string,
  args: string[],
  cwd: string,
  direct: boolean,
): Promise<void> {
  const port = freePort();
  const child = new Deno.Command("setsid", {
    args: [cmd, ...args, "--port", String(port), "--api-key", "sk_test", "--test-controls"],
    cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const output = child.output();
  const url = `http://127.0.0.1:${port}`;
  try {
    const health = await waitForHealth(url, 120_000);
    const body = await health.json() as { status?: string };
    if (body.status !== "ok") throw new Error(`health answered ${JSON.stringify(body)}`);
    const machines = await fetch(`${url}/api/v1/machines`, { headers: { "x-api-key": "sk_test" } });
    if (machines.status !== 200) {
      throw new Error(`GET /machines with --api-key: ${machines.status}`);
    }
    await machines.body?.cancel();
    const doc = await (await fetch(`${url}/openapi.json`)).json() as { openapi?: string };
    if (doc.openapi !== "3.1.0") throw new Error("no OpenAPI document");
    const fault = await fetch(`${url}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ route: "GET /health", status: 503 }),
    });
    await fault.body?.cancel();
    const faulted = await fetch(`${url}/health`);
    await faulted.body?.cancel();
    if (faulted.status !== 503) throw new Error(`an injected 503 answered ${faulted.status}`);
  } finally {
    try {
      Deno.kill(direct ? child.pid : -child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  const timer = setTimeout(() => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 15_000);
  const { code, stdout } = await output.finally(() => clearTimeout(timer));
  const text = new TextDecoder().decode(stdout);
  if (!text.includes(`listening on ${url}`)) throw new Error(`unexpected output:\n${text}`);
  if (direct && code !== 0) throw new Error(`exited ${code} on SIGTERM, expected 0`);
}

async function story(cmd: string, args: string[], cwd: string, runtime: string): Promise<void> {
  const started = performance.now();
  const result = await exec(cmd, [...args, "story.mjs"], cwd, STORY_TIMEOUT_MS);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.code !== 0) {
    throw new Error(
      `story exited ${result.code} after ${seconds} s (killed at ${STORY_TIMEOUT_MS} ms: ` +
        `an open handle keeps the process alive):\n${result.stdout}${result.stderr}`,
    );
  }
  if (!result.stdout.includes(`story ok on ${runtime}`)) {
    throw new Error(`unexpected output:\n${result.stdout}`);
  }
}

const CONSUMER =
  `import { createWallet, startSandbox, type RunningSandbox, type SandboxFault } from "${SANDBOX_PACKAGE}";

const sandbox: RunningSandbox = await startSandbox({ testControls: true, requireApiAuth: false });
const fault: SandboxFault = await sandbox.controls.fail("POST /market/orders", 503, 2);
const remaining: number | null = fault.remaining;
const address: string = createWallet().address;
// @ts-expect-error: the url is a string, so the declarations are real types, not 'any'.
const port: number = sandbox.url;
// @ts-expect-error: an unknown option is refused.
await startSandbox({ testControl: true });
await sandbox.close();
console.log(remaining, address, port);
`;

const project = await Deno.makeTempDir({ prefix: "peaqos-sandbox-npm-" });
const bin = `${project}/node_modules/.bin`;
try {
  await check("build and pack @peaqos/peaq-os-sandbox and @peaqos/peaq-os-sdk", async () => {
    try {
      const { outDir } = await buildSandboxNpm();
      buildNpm({ root: ROOT, outDir: `${ROOT}/npm` });
      for (const dir of [outDir, `${ROOT}/npm`]) {
        await mustRun("npm", ["pack", "--pack-destination", project], dir);
      }
    } catch (error) {
      checks.skipRest();
      throw error;
    }
  });

  await check("npm installs both tarballs into a fresh project", async () => {
    try {
      await Deno.writeTextFile(
        `${project}/package.json`,
        JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2),
      );
      const tarballs = [...Deno.readDirSync(project)]
        .filter((entry) => entry.name.endsWith(".tgz"))
        .map((entry) => `./${entry.name}`);
      if (tarballs.length !== 2) throw new Error(`expected 2 tarballs, found ${tarballs}`);
      await mustRun("npm", ["install", "--no-audit", "--no-fund", ...tarballs], project);
      await mustRun("npm", [
        "install",
        "--no-audit",
        "--no-fund",
        "--save-dev",
        `typescript@${RUNTIME_TOOLS.typescript}`,
        "@types/node@20",
        BUN,
      ], project);
      // Where npm is set not to run install scripts, Bun's binary is not linked into place;
      // its own install script does that from the platform package npm already fetched.
      if ((await exec(`${bin}/bun`, ["--version"], project)).code !== 0) {
        await mustRun("node", ["install.js"], `${project}/node_modules/bun`);
      }
      await Deno.copyFile(`${ROOT}/tests/runtimes/sandbox/story.mjs`, `${project}/story.mjs`);
      await Deno.writeTextFile(`${project}/consumer.ts`, CONSUMER);
    } catch (error) {
      checks.skipRest();
      throw error;
    }
  });

  await check("node: peaqos-sandbox --help lists the flags and exits 0", async () => {
    const { stdout } = await mustRun(`${bin}/peaqos-sandbox`, ["--help"], project);
    for (const flag of ["--port", "--api-key", "--webhook-url", "--test-controls", "--catalogue"]) {
      if (!stdout.includes(flag)) throw new Error(`--help lacks '${flag}':\n${stdout}`);
    }
    if (!stdout.startsWith("Usage: peaqos-sandbox")) throw new Error(stdout);
  });

  await check(
    "node: peaqos-sandbox refuses a mistyped flag in one line with exit code 2",
    async () => {
      const result = await exec(`${bin}/peaqos-sandbox`, ["--prot", "8080"], project);
      const expected =
        "Unknown flag '--prot': did you mean '--port'? (see 'peaqos-sandbox --help')";
      if (result.code !== 2 || result.stderr.trim() !== expected) {
        throw new Error(`exit ${result.code}, stderr: ${result.stderr}`);
      }
    },
  );

  await check(
    "node: npx peaqos-sandbox --port <free> --api-key sk_test --test-controls serves /health",
    async () => {
      await serveAndStop("npx", ["--no-install", "peaqos-sandbox"], project, false);
    },
  );

  await check("node: peaqos-sandbox stops on SIGTERM with exit code 0", async () => {
    await serveAndStop(`${bin}/peaqos-sandbox`, [], project, true);
  });

  await check(
    "node: a plain script runs the SDK story on startSandbox() and exits by itself",
    async () => {
      await story("node", [], project, "node");
    },
  );

  await check(
    "node: a strict TypeScript consumer type-checks against the declarations",
    async () => {
      await mustRun(`${bin}/tsc`, [
        "--noEmit",
        "--strict",
        "--exactOptionalPropertyTypes",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--lib",
        "es2022,dom,dom.iterable,esnext.disposable",
        "--types",
        "node",
        "--skipLibCheck",
        "consumer.ts",
      ], project);
    },
  );

  await check(
    `bun: peaqos-sandbox (${BUN}) serves /health and stops on SIGTERM with 0`,
    async () => {
      await serveAndStop(
        `${bin}/bun`,
        ["node_modules/@peaqos/peaq-os-sandbox/bin/peaqos-sandbox.js"],
        project,
        true,
      );
    },
  );

  await check(`bun: the SDK story on startSandbox() (${BUN}) exits by itself`, async () => {
    await story(`${bin}/bun`, [], project, "bun");
  });

  await check(
    "deno: the SDK story on the npm package's startSandbox() exits by itself",
    async () => {
      await story(Deno.execPath(), ["run", "-A"], project, "deno");
    },
  );
} finally {
  await esbuild.stop();
  await Deno.remove(project, { recursive: true }).catch(() => {});
}

checks.finish();
