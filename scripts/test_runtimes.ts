/**
 * The cross-runtime suite (`deno task test:runtimes`): builds the npm package, packs it,
 * installs the tarball into a temporary project as a user would, lints the package (publint,
 * attw, npm/JSR exports, JSR slow types, `deno doc --lint`), installs it alone into a second,
 * empty project (it must bring no dependencies; `./signer` must sign there on Node import and
 * require, Bun and workerd, and a strict `tsc` consumer must type-check), then runs the same
 * smoke story on Node (import and require), Bun and workerd (miniflare) against a real sandbox
 * started in this process on 127.0.0.1.
 *
 * Prints each check's and suite's outcome and ends with one line, `N passed, M failed`,
 * summing every individual test. Exits 1 when anything failed.
 *
 * @module
 */
import { recoverMessageAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { validateExports } from "./npm_package.ts";
import { runtimeDevDependencies } from "./runtimes_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const DENO = Deno.execPath();
const PACKAGE = "@peaqos/peaq-os-sdk";
/** No single command may run longer than this. */
const COMMAND_TIMEOUT_MS = 180_000;

type Outcome = { readonly name: string; readonly passed: number; readonly failed: number };
const outcomes: Outcome[] = [];

function record(name: string, passed: number, failed: number, note = ""): void {
  outcomes.push({ name, passed, failed });
  const status = failed === 0 && passed > 0 ? "ok" : "FAILED";
  console.log(
    `--- ${status} ${name}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ""}`,
  );
}

type RunResult = {
  readonly code: number;
  /** stdout and stderr interleaved. */
  readonly output: string;
  readonly stdout: string;
  readonly seconds: number;
};

/** Process groups of the commands running now, for the timeout and Ctrl-C. */
const running = new Set<number>();
const HAS_SETSID = (() => {
  try {
    return Deno.statSync("/usr/bin/setsid").isFile;
  } catch {
    return false;
  }
})();

/** Ends the process group a command leads (it and anything it started); never another one. */
function killGroup(pid: number): void {
  try {
    Deno.kill(HAS_SETSID ? -pid : pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Runs a command to completion with a timeout, echoing its output (stdout and stderr
 * interleaved as they arrive) unless `quiet`, and returns it. The command leads its own
 * process group (`setsid`), so what it leaves behind (a test runner's children, workerd) is
 * ended with it.
 */
async function run(
  cmd: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; quiet?: boolean },
): Promise<RunResult> {
  const started = performance.now();
  const child = new Deno.Command(HAS_SETSID ? "/usr/bin/setsid" : cmd, {
    args: HAS_SETSID ? [cmd, ...args] : [...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  running.add(child.pid);
  const timer = setTimeout(() => {
    console.log(`!!! '${cmd} ${args.join(" ")}' exceeded ${COMMAND_TIMEOUT_MS} ms: killing it`);
    killGroup(child.pid);
  }, COMMAND_TIMEOUT_MS);
  const decoder = new TextDecoder();
  let output = "";
  let stdout = "";
  const pump = async (stream: ReadableStream<Uint8Array>, isStdout: boolean) => {
    const own = new TextDecoder();
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      if (isStdout) stdout += own.decode(chunk, { stream: true });
      if (!options.quiet) await Deno.stdout.write(chunk);
    }
  };
  const pumps = Promise.all([pump(child.stdout, true), pump(child.stderr, false)]);
  try {
    const status = await child.status;
    killGroup(child.pid); // stragglers holding the pipes open
    await pumps;
    return { code: status.code, output, stdout, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
    running.delete(child.pid);
  }
}

/** A check that is one test: passes when `body` returns, fails (printing why) when it throws. */
async function check(name: string, body: () => Promise<string | void>): Promise<boolean> {
  const started = performance.now();
  try {
    const note = await body();
    record(name, 1, 0, note || `${((performance.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    console.log(error instanceof Error ? error.message : String(error));
    record(name, 0, 1);
    return false;
  }
}

function mustSucceed(result: RunResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited with code ${result.code}`);
}

/** A suite of many tests: counts parsed from its runner's summary; no summary = one failure. */
function suite(
  name: string,
  result: RunResult,
  parse: (output: string) => [number, number] | undefined,
): void {
  const counts = parse(result.output);
  const note = `${result.seconds.toFixed(1)} s`;
  if (!counts) {
    record(name, 0, 1, `no test summary in its output, exit code ${result.code}; ${note}`);
    return;
  }
  const [passed, failed] = counts;
  // A runner that exits non-zero with every test passed still failed (a crash, a leak).
  record(name, passed, failed + (result.code !== 0 && failed === 0 ? 1 : 0), note);
}

/** node --test spec reporter: "ℹ pass 14" / "ℹ fail 0" (or TAP's "# pass 14"). */
function parseNode(output: string): [number, number] | undefined {
  const pass = [...output.matchAll(/^(?:ℹ|#) pass (\d+)$/gm)].at(-1);
  const fail = [...output.matchAll(/^(?:ℹ|#) fail (\d+)$/gm)].at(-1);
  return pass && fail ? [Number(pass[1]), Number(fail[1])] : undefined;
}

/** bun test: " 14 pass" / " 0 fail". */
function parseBun(output: string): [number, number] | undefined {
  const pass = [...output.matchAll(/^\s*(\d+) pass$/gm)].at(-1);
  const fail = [...output.matchAll(/^\s*(\d+) fail$/gm)].at(-1);
  return pass && fail ? [Number(pass[1]), Number(fail[1])] : undefined;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/**
 * Runs one runtime suite with a fresh sandbox whose URL and API key are in `env`. The sandbox
 * is imported here, not at the top, so a sandbox that fails to load fails the runtime suites
 * alone (each counted as one failure) and the package checks still report.
 */
async function withSandbox(
  name: string,
  body: (env: Record<string, string>) => Promise<void>,
): Promise<void> {
  let sandbox: { url: string; apiKey: string; close(): Promise<void> };
  try {
    const { startSandbox } = await import("../sandbox/mod.ts");
    sandbox = await startSandbox({ port: 0, hostname: "127.0.0.1" });
  } catch (error) {
    console.log(`The sandbox did not start: ${error instanceof Error ? error.stack : error}`);
    record(name, 0, 1, "no sandbox");
    return;
  }
  try {
    await body({ PEAQOS_ORCHESTRATION_URL: sandbox.url, PEAQOS_API_KEY: sandbox.apiKey });
  } catch (error) {
    console.log(error instanceof Error ? error.stack : String(error));
    record(name, 0, 1, "the suite could not run");
  } finally {
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const jsrExports: Record<string, string> = typeof denoJson.exports === "string"
    ? { ".": denoJson.exports }
    : denoJson.exports;
  const tmp = await Deno.makeTempDir({ prefix: "peaqos-runtimes-" });
  const onInterrupt = () => {
    for (const pid of running) killGroup(pid);
    Deno.removeSync(tmp, { recursive: true });
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const project = `${tmp}/project`;
  const bin = (name: string) => `${project}/node_modules/.bin/${name}`;
  try {
    // 1. Build and pack, as a release would.
    const built = await check("build:npm builds npm/ from deno.json", async () => {
      const result = await run(DENO, ["run", "-A", "scripts/build_npm.ts"], { cwd: ROOT });
      mustSucceed(result, "build_npm.ts");
    });
    if (!built) return;

    let tarball = "";
    const packed = await check(
      "npm pack ships only esm/, cjs/, README, LICENSE, notices",
      async () => {
        const result = await run("npm", ["pack", "--json", "--pack-destination", tmp], {
          cwd: `${ROOT}/npm`,
          quiet: true,
        });
        mustSucceed(result, "npm pack");
        const [info] = JSON.parse(result.stdout) as {
          filename: string;
          files: { path: string }[];
          size: number;
        }[];
        tarball = `${tmp}/${info!.filename}`;
        const stray = info!.files.map((f) => f.path).filter((path) =>
          !/^(esm|cjs)\/.+\.(js|d\.ts)$/.test(path) &&
          !["package.json", "cjs/package.json", "README.md", "LICENSE", "THIRD_PARTY_NOTICES.md"]
            .includes(path)
        );
        if (stray.length > 0) {
          throw new Error(`unexpected files in the tarball: ${stray.join(", ")}`);
        }
        return `${info!.filename}, ${info!.files.length} files, ${
          (info!.size / 1024).toFixed(1)
        } KiB`;
      },
    );
    if (!packed) return;

    await check("the packed package.json has no dependencies and the npm metadata", async () => {
      const result = await run("tar", ["-xzOf", tarball, "package/package.json"], {
        cwd: tmp,
        quiet: true,
      });
      mustSucceed(result, "tar");
      return packedManifestProblems(JSON.parse(result.stdout));
    });

    // 2. A consumer project with the tarball installed from the registry's point of view.
    const installed = await check("npm install of the tarball into a fresh project", async () => {
      await copyDir(`${ROOT}/tests/runtimes`, `${project}/tests/runtimes`);
      const manifest = {
        name: "peaqos-runtime-smoke",
        private: true,
        type: "module",
        dependencies: { [PACKAGE]: `file:${tarball}` },
        devDependencies: runtimeDevDependencies(denoJson.imports ?? {}),
      };
      await Deno.writeTextFile(`${project}/package.json`, JSON.stringify(manifest, null, 2));
      const result = await run(
        "npm",
        ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
        { cwd: project },
      );
      mustSucceed(result, "npm install");
      // Where npm is set not to run install scripts, Bun's binary is not linked into place;
      // its own install script does that from the platform package npm already fetched.
      const bun = await run(bin("bun"), ["--version"], { cwd: project, quiet: true });
      if (bun.code !== 0) {
        const linked = await run("node", ["install.js"], { cwd: `${project}/node_modules/bun` });
        mustSucceed(linked, "bun's install script");
      }
      return `${result.seconds.toFixed(1)} s`;
    });
    if (!installed) return;
    const installedDir = `${project}/node_modules/${PACKAGE}`;

    // 3. Package lint: each is one test.
    await check("publint reports no problems", async () => {
      const result = await run(
        bin("publint"),
        ["run", installedDir, "--strict", "--pack", "false"],
        {
          cwd: project,
        },
      );
      mustSucceed(result, "publint");
      if (!/All good!/.test(result.output)) throw new Error("publint did not say 'All good!'");
    });
    await check("@arethetypeswrong/cli reports no problems", async () => {
      const result = await run(bin("attw"), [tarball, "--format", "table-flipped"], {
        cwd: project,
      });
      mustSucceed(result, "attw");
      if (!/No problems found/.test(result.output)) throw new Error("attw found problems");
    });
    await check("npm exports map matches the JSR exports", async () => {
      const pkg = JSON.parse(await Deno.readTextFile(`${installedDir}/package.json`));
      const problems = validateExports(jsrExports, pkg.exports);
      if (problems.length > 0) throw new Error(problems.join("\n"));
      // The validator must notice a subpath going missing.
      const last = Object.keys(jsrExports).at(-1)!;
      const { [last]: _dropped, ...fewer } = pkg.exports;
      if (validateExports(jsrExports, fewer).length === 0) {
        throw new Error(`validateExports() accepted an exports map without '${last}'`);
      }
      return Object.keys(jsrExports).join(" ");
    });
    await check("deno publish --dry-run finds no slow types", async () => {
      const result = await run(DENO, ["publish", "--dry-run", "--allow-dirty"], { cwd: ROOT });
      mustSucceed(result, "deno publish --dry-run");
      if (/slow[- ]type/i.test(result.output.replace("Checking for slow types", ""))) {
        throw new Error("slow types reported");
      }
    });
    // One run over every entry, as JSR sees the package: a type exported by one entry is
    // public for the others.
    const entries = Object.values(jsrExports);
    await check(`deno doc --lint is clean for every export (${entries.join(" ")})`, async () => {
      const result = await run(DENO, ["doc", "--lint", ...entries], { cwd: ROOT });
      mustSucceed(result, "deno doc --lint");
    });

    // 4. The tarball alone in an empty project: nothing else may come with it, and ./signer
    // must still sign there on every runtime (its @noble code is bundled).
    const fresh = `${tmp}/fresh`;
    const alone = await check(
      "npm install of the tarball alone installs exactly one package",
      async () => {
        await Deno.mkdir(fresh, { recursive: true });
        await Deno.writeTextFile(
          `${fresh}/package.json`,
          JSON.stringify({ name: "peaqos-alone", private: true, type: "module" }, null, 2),
        );
        const result = await run(
          "npm",
          ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball],
          { cwd: fresh },
        );
        mustSucceed(result, "npm install");
        const lock = JSON.parse(await Deno.readTextFile(`${fresh}/package-lock.json`)) as {
          packages: Record<string, unknown>;
        };
        const installed = Object.keys(lock.packages).filter((key) => key !== "");
        const onDisk = await installedPackages(`${fresh}/node_modules`);
        if (
          installed.join() !== `node_modules/${PACKAGE}` || onDisk.join() !== PACKAGE
        ) {
          throw new Error(
            `expected only ${PACKAGE}: package-lock has ${installed.join(", ")}; ` +
              `node_modules has ${onDisk.join(", ")}`,
          );
        }
        return `node_modules: ${onDisk.join(", ")}`;
      },
    );
    if (alone) {
      await copyDir(`${ROOT}/tests/runtimes/fresh`, `${fresh}/fresh`);
      const freshReal = await Deno.realPath(fresh);
      const key = generatePrivateKey();
      const message = `peaq signer alone ${crypto.randomUUID()}`;
      const account = privateKeyToAccount(key);
      const expected = {
        address: account.address,
        signature: await account.signMessage({ message }),
      };
      const env = { SIGNER_KEY: key, SIGNER_MESSAGE: message };
      const signs = (name: string, build: "esm" | "cjs", command: () => Promise<RunResult>) =>
        check(`./signer alone, ${name}: signs, the signature verifies`, async () => {
          const result = await command();
          mustSucceed(result, name);
          return await verifySigned(result.stdout, expected, message, freshReal, build);
        });
      await signs(
        "Node import",
        "esm",
        () => run("node", ["fresh/sign.mjs"], { cwd: fresh, env, quiet: true }),
      );
      await signs(
        "Node require without require(esm)",
        "cjs",
        () =>
          run("node", ["--no-experimental-require-module", "fresh/sign.cjs"], {
            cwd: fresh,
            env,
            quiet: true,
          }),
      );
      await signs(
        "Bun",
        "esm",
        () => run(bin("bun"), ["fresh/sign.mjs"], { cwd: fresh, env, quiet: true }),
      );
      await signs(
        "workerd (miniflare)",
        "esm",
        () =>
          run("node", [`${project}/tests/runtimes/fresh/sign_workerd.mjs`, fresh], {
            cwd: fresh,
            env,
            quiet: true,
          }),
      );
      await check("tsc --strict consumer type-checks against the shipped .d.ts alone", async () => {
        await copyDir(`${ROOT}/tests/runtimes/node`, `${fresh}/consumer`);
        const result = await run(bin("tsc"), ["-p", "consumer/tsconfig.json"], { cwd: fresh });
        mustSucceed(result, "tsc --noEmit");
      });
    }

    // 5. The same smoke story on every runtime, each against its own sandbox.
    await withSandbox("node (import + require)", async (env) => {
      const result = await run("node", [
        "--test",
        "--test-reporter=spec",
        "tests/runtimes/node/esm_smoke.mjs",
        "tests/runtimes/node/cjs_smoke.cjs",
      ], { cwd: project, env });
      suite(`node ${await nodeVersion()} (import + require)`, result, parseNode);
    });
    await withSandbox("bun", async (env) => {
      const result = await run(bin("bun"), ["test", "./tests/runtimes/bun/smoke.mjs"], {
        cwd: project,
        env,
      });
      const version = (await run(bin("bun"), ["--version"], { cwd: project, quiet: true })).output;
      suite(`bun ${version.trim()}`, result, parseBun);
    });
    await withSandbox("workerd (miniflare)", async (env) => {
      const result = await run("node", [
        "--test",
        "--test-reporter=spec",
        "tests/runtimes/workerd/workerd_smoke.mjs",
      ], { cwd: project, env });
      const version = (await run(bin("workerd"), ["--version"], { cwd: project, quiet: true }))
        .output;
      suite(
        `workerd ${version.trim().replace(/^workerd /, "")} (miniflare)`,
        result,
        parseNode,
      );
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** What a packed package.json must (not) have; returns a note, throws on a problem. */
function packedManifestProblems(pkg: Record<string, unknown>): string {
  const problems: string[] = [];
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    const value = pkg[field];
    if (value !== undefined && Object.keys(value as object).length > 0) {
      problems.push(`'${field}' is not empty: ${JSON.stringify(value)}`);
    }
  }
  const text = (value: unknown) => typeof value === "string" && value.length > 0;
  const repository = pkg.repository as { type?: string; url?: string } | undefined;
  if (repository?.type !== "git" || !/^git\+https:\/\/.+\.git$/.test(repository.url ?? "")) {
    problems.push(`'repository' is not { type: "git", url: "git+https://….git" }`);
  }
  if (!text(pkg.homepage)) problems.push(`'homepage' is missing`);
  if (!text((pkg.bugs as { url?: string } | undefined)?.url)) {
    problems.push(`'bugs.url' is missing`);
  }
  const keywords = pkg.keywords;
  if (!Array.isArray(keywords) || keywords.length === 0) problems.push(`'keywords' is empty`);
  if ((pkg.publishConfig as { access?: string } | undefined)?.access !== "public") {
    problems.push(`'publishConfig.access' is not "public"`);
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return `no dependencies; ${repository!.url}`;
}

/** Package names under a node_modules directory (scoped ones as `@scope/name`). */
async function installedPackages(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(nodeModules)) {
    if (entry.name.startsWith(".")) continue;
    if (entry.name.startsWith("@")) {
      for await (const scoped of Deno.readDir(`${nodeModules}/${entry.name}`)) {
        names.push(`${entry.name}/${scoped.name}`);
      }
    } else names.push(entry.name);
  }
  return names.sort();
}

/**
 * Checks a `fresh/sign*` script's JSON line: the address and signature equal viem's for the
 * same key, the signature recovers to the address, and every file the runtime loaded is the
 * package's `build` (esm or cjs) inside the project under test.
 */
async function verifySigned(
  stdout: string,
  expected: { address: string; signature: string },
  message: string,
  projectDir: string,
  build: "esm" | "cjs",
): Promise<string> {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const body = JSON.parse(line) as {
    address: string;
    signature: `0x${string}`;
    resolved?: string;
    files?: string[];
  };
  if (body.address !== expected.address) {
    throw new Error(`address: expected ${expected.address}, got ${body.address}`);
  }
  if (body.signature !== expected.signature) {
    throw new Error("the signature differs from viem's for the same key and message");
  }
  const recovered = await recoverMessageAddress({ message, signature: body.signature });
  if (recovered !== expected.address) throw new Error(`the signature recovers to ${recovered}`);
  const files = body.files ?? (body.resolved === undefined ? [] : [body.resolved]);
  const root = `${projectDir}/node_modules/${PACKAGE}/${build}/`;
  const outside = files
    .map((file) => file.replace(/^file:\/\//, ""))
    .map((file) => file.startsWith("/") ? file : `${projectDir}/${file}`)
    .filter((file) => !file.startsWith(root));
  if (files.length === 0 || outside.length > 0) {
    throw new Error(`loaded from outside ${root}: ${outside.join(", ") || "(nothing reported)"}`);
  }
  return `${files.length} file(s) from ${build}/, recovers to ${recovered.slice(0, 10)}…`;
}

async function nodeVersion(): Promise<string> {
  return (await run("node", ["--version"], { cwd: ROOT, quiet: true })).output.trim();
}

const started = performance.now();
try {
  await main();
} catch (error) {
  console.log(`test_runtimes: ${error instanceof Error ? error.stack : error}`);
  record("test_runtimes.ts itself", 0, 1);
}
const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
console.log(`\nruntimes: ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const o of outcomes) {
  console.log(
    `  ${o.failed === 0 ? "ok    " : "FAILED"} ${o.name}: ${o.passed}/${o.passed + o.failed}`,
  );
}
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 && passed > 0 ? 0 : 1);
