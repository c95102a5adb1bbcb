/**
 * Builds the sandbox's npm package, `@peaqos/peaq-os-sandbox`, into `npm-sandbox/`
 * (`deno task build:sandbox-npm`): the sandbox, the contract and the SDK code it uses bundled
 * by esbuild into ESM (`esm/`), `.d.ts` declarations of the public API from the TypeScript
 * checker (`types/`), the `peaqos-sandbox` command (`bin/`), and a `package.json` whose npm
 * dependencies are the packages the bundle leaves external: hono, zod, @noble/curves,
 * @noble/hashes (pinned as in `deno.json`) and @hono/node-server (the Node server).
 *
 * The core SDK package stays dependency-free: this package bundles what it needs of `src/`
 * and does not depend on `@peaqos/peaq-os-sdk`.
 *
 * @module
 */
import ts from "npm:typescript@5.9.3";
import * as esbuild from "esbuild";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The package's name. */
export const SANDBOX_PACKAGE = "@peaqos/peaq-os-sandbox";

/**
 * The Node adapter: not in `deno.json` (Deno never loads it), so pinned here. Node >= 20, as
 * the package's `engines` says.
 */
const NODE_SERVER_VERSION = "2.1.9";

/** npm packages the bundle leaves external (their `deno.json` import keys). */
const EXTERNAL_FROM_DENO_JSON = ["hono", "zod", "@noble/curves/", "@noble/hashes/"];

/** What a build produced. */
export type SandboxBuild = {
  /** The output directory (absolute). */
  readonly outDir: string;
  /** The package.json written. */
  readonly packageJson: Record<string, unknown>;
};

/** A build error: its message is the whole report. */
export class SandboxBuildError extends Error {}

type DenoJson = { version: string; license: string; imports: Record<string, string> };

function pinnedVersions(denoJson: DenoJson): Record<string, string> {
  const dependencies: Record<string, string> = {};
  for (const key of EXTERNAL_FROM_DENO_JSON) {
    const target = denoJson.imports[key];
    const match = target && /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@(\d+\.\d+\.\d+[^/]*)/.exec(target);
    if (!match) throw new SandboxBuildError(`deno.json does not pin '${key}' to an npm version`);
    dependencies[match[1]!] = match[2]!;
  }
  dependencies["@hono/node-server"] = NODE_SERVER_VERSION;
  return Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a < b ? -1 : 1));
}

async function bundle(outDir: string, dependencies: Record<string, string>): Promise<void> {
  const external = Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { mod: "sandbox/mod.ts", cli: "sandbox/npm_bin.ts" },
    outdir: `${outDir}/esm`,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "silent",
    write: true,
  });
  if (result.errors.length > 0) {
    throw new SandboxBuildError(result.errors.map((e) => e.text).join("\n"));
  }
}

// Declarations import each other as `.js`, which resolves to the `.d.ts` beside it.
function rewriteSpecifiers(text: string): string {
  return text.replace(/(["'])(\.{1,2}\/[^"']+?)\.ts\1/g, "$1$2.js$1");
}

function declarations(outDir: string): void {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    // esnext.disposable: `[Symbol.asyncDispose]` of a running sandbox (`await using`).
    lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    exactOptionalPropertyTypes: true,
    declaration: true,
    emitDeclarationOnly: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    types: [],
    rootDir: ROOT,
    outDir: `${outDir}/types`,
    newLine: ts.NewLineKind.LineFeed,
  };
  const host = ts.createCompilerHost(options, true);
  host.writeFile = (file, text) => {
    if (!file.startsWith(`${outDir}/types/`)) {
      throw new SandboxBuildError(`Refusing to write outside '${outDir}/types': '${file}'`);
    }
    Deno.mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(file, rewriteSpecifiers(text));
  };
  const program = ts.createProgram([`${ROOT}/sandbox/mod.ts`], options, host);
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length === 0) diagnostics.push(...program.emit().diagnostics);
  if (diagnostics.length > 0) {
    throw new SandboxBuildError(
      `TypeScript reported ${diagnostics.length} error(s):\n${
        ts.formatDiagnostics(diagnostics, {
          getCanonicalFileName: (name) => name,
          getCurrentDirectory: () => ROOT,
          getNewLine: () => "\n",
        })
      }`,
    );
  }
}

const README = `# @peaqos/peaq-os-sandbox

A stateful local Machine Markets API for development and tests: real EIP-191 signatures,
pairing tokens, spend limits, order and payment state machines, idempotency keys and signed
webhooks, in memory. Runs on Node >= 20, Bun and Deno. Pair it with
[\`@peaqos/peaq-os-sdk\`](https://www.npmjs.com/package/@peaqos/peaq-os-sdk).

\`\`\`sh
npx @peaqos/peaq-os-sandbox --port 8788 --api-key sk_test --test-controls
npx @peaqos/peaq-os-sandbox --help
\`\`\`

\`\`\`js
import { startSandbox } from "@peaqos/peaq-os-sandbox";
import { PeaqosClient } from "@peaqos/peaq-os-sdk";

const sandbox = await startSandbox({ testControls: true });
const client = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey });
const { pairings: [{ pairing }] } = await sandbox.controls.seed({
  machines: [{ ref: "rover", displayName: "Rover 7", machineType: "rover" }],
  pairings: [{ machine: "rover" }],
});
await sandbox.controls.fail("POST /market/orders", 503, 2); // test your retry path
await sandbox.close();
\`\`\`

The test controls (\`/__sandbox\`: reset, state, seed, faults), every option and flag, the
routes and the status codes are documented in the sandbox's README; the wire's OpenAPI 3.1
document is served at \`GET /openapi.json\`.
`;

/**
 * Builds the package into `outDir` (default `<root>/npm-sandbox`), replacing what was there.
 *
 * @example
 * ```ts ignore
 * const { outDir } = await buildSandboxNpm();
 * ```
 */
export async function buildSandboxNpm(outDir = `${ROOT}/npm-sandbox`): Promise<SandboxBuild> {
  if (!outDir.startsWith("/") || outDir === ROOT || outDir === "/") {
    throw new SandboxBuildError(`Refusing to build into '${outDir}'`);
  }
  const denoJson = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)) as DenoJson;
  const dependencies = pinnedVersions(denoJson);
  await Deno.remove(outDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await bundle(outDir, dependencies);
  declarations(outDir);
  Deno.mkdirSync(`${outDir}/bin`, { recursive: true });
  Deno.writeTextFileSync(
    `${outDir}/bin/peaqos-sandbox.js`,
    '#!/usr/bin/env node\nimport "../esm/cli.js";\n',
  );
  Deno.chmodSync(`${outDir}/bin/peaqos-sandbox.js`, 0o755);
  Deno.writeTextFileSync(`${outDir}/README.md`, README);
  Deno.copyFileSync(`${ROOT}/LICENSE`, `${outDir}/LICENSE`);
  const packageJson = {
    name: SANDBOX_PACKAGE,
    version: denoJson.version,
    description:
      "A stateful local peaqOS Machine Markets API (sandbox) for development and tests, on Node, Bun and Deno.",
    license: denoJson.license,
    type: "module",
    exports: {
      ".": { types: "./types/sandbox/mod.d.ts", import: "./esm/mod.js", default: "./esm/mod.js" },
      "./package.json": "./package.json",
    },
    types: "./types/sandbox/mod.d.ts",
    bin: { "peaqos-sandbox": "bin/peaqos-sandbox.js" },
    files: ["esm/", "types/", "bin/", "README.md", "LICENSE"],
    engines: { node: ">=20" },
    sideEffects: false,
    dependencies,
  };
  Deno.writeTextFileSync(`${outDir}/package.json`, `${JSON.stringify(packageJson, null, 2)}\n`);
  for (const file of ["esm/mod.js", "esm/cli.js", "types/sandbox/mod.d.ts"]) {
    try {
      Deno.statSync(`${outDir}/${file}`);
    } catch {
      throw new SandboxBuildError(`The build did not emit '${file}'`);
    }
  }
  return { outDir, packageJson };
}

if (import.meta.main) {
  try {
    const { outDir } = await buildSandboxNpm();
    console.log(`Built ${SANDBOX_PACKAGE} into ${outDir}`);
  } catch (error) {
    console.error(error instanceof SandboxBuildError ? error.message : error);
    Deno.exit(1);
  } finally {
    await esbuild.stop();
  }
}
