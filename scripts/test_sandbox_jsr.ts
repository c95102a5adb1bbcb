/**
 * The sandbox's JSR package as it would be published (`deno task test:sandbox-jsr`, part of
 * `deno task test`): stages `@peaqos/peaq-os-sandbox` (`scripts/build_sandbox_jsr.ts`), runs
 * `deno publish --dry-run` in `jsr-sandbox/` (no slow types, no warning but the known one), then,
 * with no configuration and no import map of the repository, runs the SDK story of the npm
 * package's suite (`tests/runtimes/sandbox/story.mjs`) on the staged `mod.ts`, and the staged
 * `./cli` entry (`--help`, a typo, serving `/health` until SIGTERM). Ends with one line,
 * `N passed, M failed`; exits 1 when anything failed.
 *
 * jsr.io is never contacted: the staged package imports only its own files and `npm:` modules.
 *
 * @module
 */
import { Checks, freePort, waitForHealth } from "./checks.ts";
import { buildSandboxJsr, SANDBOX_JSR_EXPORTS, SANDBOX_JSR_PACKAGE } from "./build_sandbox_jsr.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const TIMEOUT_MS = 180_000;
const STORY_TIMEOUT_MS = 60_000;
/** Flags that keep the repository's deno.json, import map and lockfile out of a run. */
const STANDALONE = ["--no-config", "--no-lock"];
/**
 * The one warning `deno publish` may give: the Node server's computed `import()` in
 * `sandbox/server.ts`, which Deno never reaches (it serves with `Deno.serve`).
 */
const KNOWN_WARNING =
  /warning\[unanalyzable-dynamic-import\][^\n]*\n\s*--> [^\n]*\/sandbox\/server\.ts:/;

const checks = new Checks();
const check = checks.check.bind(checks);

type Result = { code: number; stdout: string; stderr: string };

const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

async function deno(args: string[], cwd: string, timeoutMs = TIMEOUT_MS): Promise<Result> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).replace(ANSI, "");
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const project = await Deno.makeTempDir({ prefix: "peaqos-sandbox-jsr-" });
let outDir = `${ROOT}/jsr-sandbox`;
const cli = () => `${outDir}/${SANDBOX_JSR_EXPORTS["./cli"]}`;
try {
  await check("build: the staged package is self-contained (npm: imports only)", async () => {
    try {
      const build = await buildSandboxJsr();
      outDir = build.outDir;
      const rootVersion = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).version;
      if (build.denoJson.name !== SANDBOX_JSR_PACKAGE || build.denoJson.version !== rootVersion) {
        throw new Error(`deno.json: ${JSON.stringify(build.denoJson)}`);
      }
    } catch (error) {
      checks.skipRest();
      throw error;
    }
  });

  await check("JSR staging: deno publish --dry-run passes with no slow types", async () => {
    const result = await deno(["publish", "--dry-run", "--allow-dirty"], outDir);
    const output = `${result.stdout}${result.stderr}`;
    if (result.code !== 0 || !output.includes("Dry run complete")) {
      throw new Error(`deno publish --dry-run exited ${result.code}:\n${output}`);
    }
    const warnings = output.split(KNOWN_WARNING).join("").match(/^(?:warning|error)\[[^\]]+\]/gm);
    if (warnings) throw new Error(`unexpected ${warnings.join(", ")}:\n${output}`);
    for (const file of ["sandbox/mod.ts", "contract/money.ts", "README.md", "LICENSE"]) {
      if (!output.includes(`${outDir}/${file}`)) throw new Error(`'${file}' not published`);
    }
  });

  await check(
    "deno: a script importing the staged package's mod.ts runs the SDK story and exits by itself",
    async () => {
      await Deno.copyFile(`${ROOT}/tests/runtimes/sandbox/story.mjs`, `${project}/story.mjs`);
      const imports = {
        [SANDBOX_JSR_PACKAGE]: new URL(`file://${outDir}/${SANDBOX_JSR_EXPORTS["."]}`).href,
        "@peaqos/peaq-os-sdk": new URL(`file://${ROOT}/mod.ts`).href,
      };
      await Deno.writeTextFile(`${project}/import_map.json`, JSON.stringify({ imports }));
      const result = await deno(
        ["run", "-A", ...STANDALONE, "--import-map=import_map.json", "story.mjs"],
        project,
        STORY_TIMEOUT_MS,
      );
      if (result.code !== 0 || !result.stdout.includes("story ok on deno")) {
        throw new Error(
          `story exited ${result.code} (killed at ${STORY_TIMEOUT_MS} ms: an open handle keeps ` +
            `the process alive):\n${result.stdout}${result.stderr}`,
        );
      }
    },
  );

  await check("deno: the staged ./cli entry prints --help and refuses a typo", async () => {
    const help = await deno(["run", "-A", ...STANDALONE, cli(), "--help"], project);
    const usage = `Usage: deno run -A jsr:${SANDBOX_JSR_PACKAGE}/cli`;
    if (help.code !== 0 || !help.stdout.startsWith(usage)) {
      throw new Error(`--help exited ${help.code}:\n${help.stdout}${help.stderr}`);
    }
    const typo = await deno(["run", "-A", ...STANDALONE, cli(), "--prot", "8080"], project);
    if (typo.code !== 2 || !typo.stderr.includes("did you mean '--port'?")) {
      throw new Error(`a typo exited ${typo.code}:\n${typo.stderr}`);
    }
  });

  await check(
    "deno: the staged ./cli entry serves /health and stops on SIGTERM with 0",
    async () => {
      const port = freePort();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", ...STANDALONE, cli(), "--port", String(port), "--api-key", "sk_test"],
        cwd: project,
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const output = child.output();
      const url = `http://127.0.0.1:${port}`;
      try {
        const health = await waitForHealth(url, 120_000);
        const body = await health.json() as { status?: string };
        if (body.status !== "ok") throw new Error(`health answered ${JSON.stringify(body)}`);
        const machines = await fetch(`${url}/api/v1/machines`, {
          headers: { "x-api-key": "sk_test" },
        });
        await machines.body?.cancel();
        if (machines.status !== 200) {
          throw new Error(`GET /machines with --api-key: ${machines.status}`);
        }
      } finally {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, 15_000);
      const { code, stdout } = await output.finally(() => clearTimeout(timer));
      const text = new TextDecoder().decode(stdout);
      if (!text.includes(`listening on ${url}`)) throw new Error(`unexpected output:\n${text}`);
      if (code !== 0) throw new Error(`exited ${code} on SIGTERM, expected 0`);
    },
  );
} finally {
  await Deno.remove(project, { recursive: true }).catch(() => {});
}

checks.finish();
