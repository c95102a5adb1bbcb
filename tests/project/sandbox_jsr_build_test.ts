/**
 * `scripts/build_sandbox_jsr.ts`: the staged JSR package of the sandbox stands alone. The
 * publish dry run, the story and the command on the staged copy are in
 * `scripts/test_sandbox_jsr.ts` (part of `deno task test`).
 */
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import {
  buildSandboxJsr,
  SANDBOX_JSR_PACKAGE,
  SandboxJsrBuildError,
} from "../../scripts/build_sandbox_jsr.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

const outDir = await Deno.makeTempDir({ prefix: "peaqos-sandbox-jsr-test-" });
const build = await buildSandboxJsr(outDir);
addEventListener("unload", () => Deno.removeSync(outDir, { recursive: true }));

// Imports in code; JSDoc examples (lines of a comment) are left as written.
function staticSpecifiers(text: string): string[] {
  const code = text.split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
  const statements = /^\s*(?:import\s*|(?:import|export)\b[^"';=(]*?\bfrom\s*)(["'])([^"']+)\1/gm;
  const dynamic = /\bimport\(\s*(["'])([^"']+)\1\s*\)/g;
  return [...code.matchAll(statements), ...code.matchAll(dynamic)].map((match) => match[2]!);
}

Deno.test("buildSandboxJsr() stages the sandbox's graph: sandbox, contract and the SDK modules it reaches", () => {
  const modules = new Set(build.modules);
  for (
    const path of ["sandbox/mod.ts", "sandbox/jsr_bin.ts", "sandbox/cli.ts", "contract/money.ts"]
  ) {
    assert(modules.has(path), path);
  }
  assert(modules.has("sandbox/catalogue.json"), "the JSON catalogue is imported, so staged");
  // Entry points of other packagings, the README and the SDK's own entry are not reached.
  for (const path of ["sandbox/deno_bin.ts", "sandbox/npm_bin.ts", "sandbox/README.md", "mod.ts"]) {
    assert(!modules.has(path), path);
  }
  for (const path of build.modules) {
    assertMatch(path, /^(sandbox|contract|_sdk\/src|_sdk\/signer)\//);
    // Every staged module is a file of the repository, moved under _sdk/ when it is the SDK's.
    Deno.statSync(`${ROOT}/${path.replace(/^_sdk\//, "")}`);
  }
  assert(build.modules.some((path) => path.startsWith("_sdk/src/")), "the SDK's types and code");
});

Deno.test("buildSandboxJsr() leaves only package-relative, npm: and node: imports", async () => {
  const pinned = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).imports as Record<
    string,
    string
  >;
  const seen = { relative: 0, npm: 0 };
  for (const path of build.modules.filter((file) => file.endsWith(".ts"))) {
    const text = await Deno.readTextFile(`${outDir}/${path}`);
    for (const specifier of staticSpecifiers(text)) {
      if (specifier.startsWith(".")) {
        seen.relative++;
        const target = new URL(specifier, `file://${outDir}/${path}`).pathname;
        assert(target.startsWith(`${outDir}/`), `${path}: '${specifier}' leaves the package`);
        Deno.statSync(target);
      } else if (specifier.startsWith("npm:")) {
        seen.npm++;
        // The version deno.json pins, e.g. npm:hono@4.13.19/request-id.
        const name = /^npm:((?:@[^/@]+\/)?[^/@]+)@/.exec(specifier)?.[1];
        const pin = name && (pinned[name] ?? pinned[`${name}/`]);
        assert(pin, `${path}: '${specifier}' is not pinned in deno.json`);
        const version = /@(\d+\.\d+\.\d+[^/]*)/.exec(pin.replace(/^npm:\/?(@[^/]+\/)?/, ""))?.[1];
        assert(specifier.includes(`@${version}`), `${path}: '${specifier}' is not '${pin}'`);
      } else {
        assertMatch(specifier, /^node:/, `${path}: '${specifier}'`);
      }
    }
  }
  assert(seen.relative > 100 && seen.npm > 10, `too few imports found: ${JSON.stringify(seen)}`);
});

Deno.test("buildSandboxJsr() writes deno.json with the root's version and the npm package's exports", async () => {
  const root = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const written = JSON.parse(await Deno.readTextFile(`${outDir}/deno.json`));
  assertEquals(written, build.denoJson);
  assertEquals(written.name, SANDBOX_JSR_PACKAGE);
  assertEquals(written.version, root.version);
  assertEquals(written.license, root.license);
  assertEquals(written.exports, { ".": "./sandbox/mod.ts", "./cli": "./sandbox/jsr_bin.ts" });
  assertEquals(
    await Deno.readTextFile(`${outDir}/LICENSE`),
    await Deno.readTextFile(`${ROOT}/LICENSE`),
  );
});

Deno.test("buildSandboxJsr() writes the sandbox README with absolute links and JSR imports", async () => {
  const readme = await Deno.readTextFile(`${outDir}/README.md`);
  assert(readme.startsWith(`# ${SANDBOX_JSR_PACKAGE}\n`));
  assert(readme.includes(`deno add jsr:${SANDBOX_JSR_PACKAGE}`));
  assert(readme.includes("## Sandbox: a stateful local Machine Markets API"));
  const outsideCode = readme.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
  const targets = [...outsideCode.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1]!);
  assert(targets.length > 0, "the README has links");
  for (const target of targets) assertMatch(target, /^(https:\/\/|#)/);
  assert(!readme.includes('from "./sandbox/mod.ts"'), "an example still imports the checkout");
});

Deno.test("buildSandboxJsr() refuses to build into the repository's root", async () => {
  await assertRejects(() => buildSandboxJsr(ROOT), SandboxJsrBuildError, "Refusing");
  await assertRejects(() => buildSandboxJsr("jsr-sandbox"), SandboxJsrBuildError, "Refusing");
});
