/**
 * The npm build (`scripts/build_npm.ts`) and its parts: the README transform, the npm-only
 * metadata, the version check, vendoring of npm imports, and whole builds of a copy of the
 * project (the real one, and ones broken on purpose).
 */
import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import {
  buildPackageJson,
  checkVersionSource,
  type NpmMetadata,
  parseNpmMetadata,
} from "../../scripts/npm_package.ts";
import ts from "npm:typescript@5.9.3";
import { absoluteLink, npmReadme, ReadmeError, registryReadme } from "../../scripts/npm_readme.ts";
import {
  collectVendorBindings,
  type VendorBindings,
  vendorEntry,
} from "../../scripts/npm_vendor.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const REPO = "https://github.com/o/r";

// --- README ------------------------------------------------------------------------------

Deno.test("npmReadme() makes repository links absolute and leaves the rest alone", () => {
  const input = [
    "Install: `npm install x`, then `deno add jsr:@x/y`.",
    "See [`sandbox/README.md`](sandbox/README.md), [bench](./BENCHMARKS.md#results),",
    "[the top](#install), [docs](https://docs.example/x), [src dir](src/) and ![logo](img/l.png).",
    '[title](docs/a.md "A title")',
    "[ref]: worker/README.md",
    "```md",
    "[in code](sandbox/README.md)",
    "```",
  ].join("\n");
  assertEquals(
    npmReadme(input, REPO),
    [
      "Install: `npm install x`, then `deno add jsr:@x/y`.",
      `See [\`sandbox/README.md\`](${REPO}/blob/main/sandbox/README.md), ` +
      `[bench](${REPO}/blob/main/BENCHMARKS.md#results),`,
      `[the top](#install), [docs](https://docs.example/x), [src dir](${REPO}/tree/main/src/) ` +
      `and ![logo](${REPO}/raw/main/img/l.png).`,
      `[title](${REPO}/blob/main/docs/a.md "A title")`,
      `[ref]: ${REPO}/blob/main/worker/README.md`,
      "```md",
      "[in code](sandbox/README.md)",
      "```",
    ].join("\n"),
  );
});

Deno.test("npmReadme() drops npm:skip blocks and the blank line they leave", () => {
  const input = [
    "# T",
    "",
    "<!-- npm:skip-start -->",
    "",
    "## Repo only: `deno add jsr:@x/y`",
    "",
    "<!-- npm:skip-end -->",
    "",
    "`npm install x`",
  ].join("\n");
  assertEquals(npmReadme(input, REPO), "# T\n\n`npm install x`");
});

Deno.test("npmReadme() refuses unbalanced skip markers", () => {
  assertThrows(
    () => npmReadme("`npm install x`\n<!-- npm:skip-start -->\ntext\n", REPO),
    ReadmeError,
    "line 2: '<!-- npm:skip-start -->' has no '<!-- npm:skip-end -->'",
  );
  assertThrows(
    () => npmReadme("`npm install x`\n<!-- npm:skip-end -->\n", REPO),
    ReadmeError,
    "line 2: unbalanced '<!-- npm:skip-end -->'",
  );
});

Deno.test("npmReadme() refuses a Deno install line before the npm one", () => {
  assertThrows(
    () => npmReadme("**Deno**: `deno add jsr:@x/y`\n\n**npm**: `npm install @x/y`\n", REPO),
    ReadmeError,
    "before 'npm install'",
  );
  assertThrows(() => npmReadme("No install line at all.\n", REPO), ReadmeError, "no 'npm install'");
});

Deno.test("absoluteLink() refuses a link that leaves the repository", () => {
  assertThrows(() => absoluteLink("../other/x.md", REPO, false), ReadmeError, "outside");
  assertEquals(absoluteLink("mailto:a@b.c", REPO, false), "mailto:a@b.c");
});

Deno.test("registryReadme() resolves a nested README's links from its own folder", () => {
  const input = [
    "[Worker](../worker/README.md#local-run), [app](app.ts), [root](/README.md), [top](#flags)",
    "```ts",
    'import { x } from "./mod.ts"; // [not a link](x.md)',
    "```",
  ].join("\n");
  assertEquals(
    registryReadme(input, REPO, "sandbox/"),
    [
      `[Worker](${REPO}/blob/main/worker/README.md#local-run), [app](${REPO}/blob/main/sandbox/app.ts), ` +
      `[root](${REPO}/blob/main/README.md), [top](#flags)`,
      "```ts",
      'import { x } from "./mod.ts"; // [not a link](x.md)',
      "```",
    ].join("\n"),
  );
  assertThrows(() => registryReadme("[x](../../x.md)", REPO, "sandbox"), ReadmeError, "outside");
});

Deno.test("npmReadme() of the real README leaves no relative link and puts npm first", async () => {
  const metadata = parseNpmMetadata(
    JSON.parse(await Deno.readTextFile(`${ROOT}/scripts/npm_metadata.json`)),
  );
  const readme = npmReadme(await Deno.readTextFile(`${ROOT}/README.md`), metadata.repository);
  const outsideCode = readme.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
  const targets = [...outsideCode.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1]!);
  assert(targets.length > 0, "the README has links");
  for (const target of targets) assertMatch(target, /^(https:\/\/|#)/);
  const markers = readme.split("\n").filter((line) => /^<!-- npm:skip-(start|end) -->$/.test(line));
  assertEquals(markers, [], "a skip marker survived");
  assert(readme.indexOf("npm install") < readme.indexOf("deno add"));
  assertStringIncludes(readme, `${metadata.repository}/blob/main/sandbox/README.md`);
});

// --- package.json -------------------------------------------------------------------------

const METADATA: NpmMetadata = {
  repository: REPO,
  homepage: "https://docs.example",
  bugs: `${REPO}/issues`,
  keywords: ["sdk"],
};

Deno.test("parseNpmMetadata() reads scripts/npm_metadata.json", async () => {
  const metadata = parseNpmMetadata(
    JSON.parse(await Deno.readTextFile(`${ROOT}/scripts/npm_metadata.json`)),
  );
  assertMatch(metadata.repository, /^https:\/\/github\.com\/[^/]+\/[^/]+$/);
  assertMatch(metadata.homepage, /^https:\/\//);
  assert(metadata.keywords.includes("peaq"));
});

Deno.test("parseNpmMetadata() refuses unknown keys and a repository it cannot link to", () => {
  assertThrows(() => parseNpmMetadata({ ...METADATA, homepgae: "x" }), Error, "'homepgae'");
  assertThrows(
    () => parseNpmMetadata({ ...METADATA, repository: `${REPO}.git` }),
    Error,
    "'repository' must not end with '.git'",
  );
  assertThrows(
    () => parseNpmMetadata({ ...METADATA, repository: "https://gitlab.com/o/r" }),
    Error,
    "'repository' must be 'https://github.com/<owner>/<repo>'",
  );
  assertThrows(() => parseNpmMetadata({ ...METADATA, keywords: [] }), Error, "'keywords'");
});

Deno.test("buildPackageJson() writes the metadata and never a dependencies field", () => {
  const files = {
    esm: "./esm/mod.js",
    esmTypes: "./esm/mod.d.ts",
    cjs: "./cjs/mod.js",
    cjsTypes: "./cjs/mod.d.ts",
  };
  const pkg = buildPackageJson({
    name: "@x/y",
    version: "1.0.0",
    description: "d",
    license: "MIT",
    metadata: METADATA,
    exports: { ".": files },
    extraFiles: ["THIRD_PARTY_NOTICES.md"],
  });
  assertEquals(pkg.repository, { type: "git", url: "git+https://github.com/o/r.git" });
  assertEquals(pkg.bugs, { url: "https://github.com/o/r/issues" });
  assertEquals(pkg.homepage, "https://docs.example");
  assertEquals(pkg.keywords, ["sdk"]);
  assertEquals(pkg.publishConfig, { access: "public" });
  assert(!("dependencies" in pkg));
  assertEquals(pkg.files.at(-1), "THIRD_PARTY_NOTICES.md");
});

// --- version ------------------------------------------------------------------------------

Deno.test("checkVersionSource() accepts src/version.ts against deno.json", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const source = await Deno.readTextFile(`${ROOT}/src/version.ts`);
  assertEquals(checkVersionSource(denoJson.version, source), undefined);
});

Deno.test("checkVersionSource() reports a VERSION that differs from deno.json's", () => {
  const problem = checkVersionSource("1.2.4", 'export const VERSION = "1.2.3";\n');
  assertStringIncludes(problem ?? "", "VERSION is '1.2.3' but deno.json's \"version\" is '1.2.4'");
  assertStringIncludes(checkVersionSource("1.2.3", "const V = 1;") ?? "", "found 0");
});

// --- vendoring ----------------------------------------------------------------------------

Deno.test("collectVendorBindings() records named value imports and skips type-only ones", () => {
  const bindings: VendorBindings = new Map();
  const problems = collectVendorBindings(
    "a.ts",
    [
      `import { secp256k1 } from "@noble/curves/secp256k1.js";`,
      `import { keccak_256 as keccak, type CHash } from "@noble/hashes/sha3.js";`,
      `import type { Hex } from "@noble/curves/utils.js";`,
      `import { local } from "./local.ts";`,
    ].join("\n"),
    new Set(["@noble/curves/secp256k1.js", "@noble/hashes/sha3.js", "@noble/curves/utils.js"]),
    bindings,
  );
  assertEquals(problems, []);
  assertEquals(
    [...bindings].map(([specifier, names]) => [specifier, [...names]]),
    [["@noble/curves/secp256k1.js", ["secp256k1"]], ["@noble/hashes/sha3.js", ["keccak_256"]]],
  );
});

Deno.test("collectVendorBindings() refuses imports it cannot vendor", () => {
  const cases: [string, string][] = [
    [`import secp from "p/x.js";`, "default imports"],
    [`import * as secp from "p/x.js";`, "namespace imports"],
    [`import "p/x.js";`, "side-effect imports"],
    [`export { secp256k1 } from "p/x.js";`, "re-exporting"],
    [`const m = await import("p/x.js");`, "only static"],
  ];
  for (const [text, why] of cases) {
    const problems = collectVendorBindings("a.ts", text, new Set(["p/x.js"]), new Map());
    assertEquals(problems.length, 1, text);
    assertStringIncludes(problems[0]!, why);
  }
});

Deno.test("vendorEntry() re-exports each specifier's names, and refuses a clash", () => {
  const entry = vendorEntry(
    new Map([
      ["@noble/hashes/sha3.js", new Set(["keccak_256"])],
      ["@noble/curves/secp256k1.js", new Set(["secp256k1", "schnorr"])],
    ]),
  );
  assertEquals(
    entry,
    `export { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";\n` +
      `export { keccak_256 } from "@noble/hashes/sha3.js";\n`,
  );
  assertThrows(
    () =>
      vendorEntry(
        new Map([
          ["@noble/hashes/utils.js", new Set(["bytesToHex"])],
          ["@noble/curves/utils.js", new Set(["bytesToHex"])],
        ]),
      ),
    Error,
    "'bytesToHex' is imported from both '@noble/curves/utils.js' and '@noble/hashes/utils.js'",
  );
});

// --- whole builds of a copy of the project --------------------------------------------------

/** A copy of what the build reads, with node_modules linked, in a temporary directory. */
async function projectCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "peaqos-npm-build-" });
  const copy = async (from: string, to: string): Promise<void> => {
    const info = await Deno.stat(from);
    if (info.isDirectory) {
      await Deno.mkdir(to, { recursive: true });
      for await (const entry of Deno.readDir(from)) {
        await copy(`${from}/${entry.name}`, `${to}/${entry.name}`);
      }
    } else await Deno.copyFile(from, to);
  };
  for (const path of ["mod.ts", "src", "signer", "deno.json", "README.md", "LICENSE"]) {
    await copy(`${ROOT}/${path}`, `${dir}/${path}`);
  }
  await Deno.mkdir(`${dir}/scripts`);
  await copy(`${ROOT}/scripts/npm_metadata.json`, `${dir}/scripts/npm_metadata.json`);
  await Deno.symlink(`${ROOT}/node_modules`, `${dir}/node_modules`);
  return dir;
}

async function build(root: string): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/scripts/build_npm.ts`, root],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

async function walk(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) out.push(...await walk(`${dir}/${entry.name}`, `${path}/`));
    else out.push(path);
  }
  return out;
}

Deno.test("build_npm.ts bundles the signer's npm imports and ships no dependencies", async () => {
  const root = await projectCopy();
  try {
    const { code, output } = await build(root);
    assertEquals(code, 0, output);
    assertStringIncludes(output, "no dependencies");
    const pkg = JSON.parse(await Deno.readTextFile(`${root}/npm/package.json`));
    assertEquals(pkg.dependencies, undefined);
    assert(pkg.files.includes("THIRD_PARTY_NOTICES.md"));
    const notices = await Deno.readTextFile(`${root}/npm/THIRD_PARTY_NOTICES.md`);
    assertStringIncludes(notices, "## @noble/curves");
    assertStringIncludes(notices, "Permission is hereby granted, free of charge");
    const files = await walk(`${root}/npm`);
    for (const format of ["esm", "cjs"]) {
      const vendor = await Deno.readTextFile(`${root}/npm/${format}/_vendor/deps.js`);
      assertMatch(
        vendor,
        /^\/\*! Private to @peaqos\/peaq-os-sdk; not an API\. Bundled from @noble/,
      );
    }
    // No emitted file names an npm package in an import, a require or a type reference.
    const emitted = files.filter((f) => /\.(js|d\.ts)$/.test(f));
    assert(emitted.includes("cjs/signer/mod.js") && emitted.includes("esm/signer/mod.d.ts"));
    for (const file of emitted) {
      const info = ts.preProcessFile(await Deno.readTextFile(`${root}/npm/${file}`), true, true);
      const bare = info.importedFiles.map((i) => i.fileName).filter((f) => !f.startsWith("."));
      assertEquals(bare, [], file);
      assertEquals(info.typeReferenceDirectives, [], file);
    }
    const signer = await Deno.readTextFile(`${root}/npm/cjs/signer/mod.js`);
    assertStringIncludes(signer, `require("../_vendor/deps.js")`);
    // The core's modules never reach the vendored code.
    const core = await Deno.readTextFile(`${root}/npm/esm/mod.js`);
    assert(!core.includes("_vendor"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("build_npm.ts fails when the core imports an npm package", async () => {
  const root = await projectCopy();
  try {
    await Deno.writeTextFile(
      `${root}/src/version.ts`,
      `import { keccak_256 } from "@noble/hashes/sha3.js";\nexport const K = keccak_256;\n` +
        await Deno.readTextFile(`${root}/src/version.ts`),
    );
    const { code, output } = await build(root);
    assertEquals(code, 1, output);
    assertStringIncludes(output, "src/version.ts: imports '@noble/hashes/sha3.js'");
    assertStringIncludes(output, "the core ('.') must stay dependency-free");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("build_npm.ts fails when VERSION differs from deno.json's version", async () => {
  const root = await projectCopy();
  try {
    const denoJson = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
    await Deno.writeTextFile(
      `${root}/deno.json`,
      JSON.stringify({ ...denoJson, version: "9.9.9" }, null, 2),
    );
    const { code, output } = await build(root);
    assertEquals(code, 1, output);
    assertStringIncludes(output, "but deno.json's \"version\" is '9.9.9'");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
