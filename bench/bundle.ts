/**
 * Benchmark 3, bundle size: esbuild (npm `esbuild@0.28.2`) bundles, minified, for the browser,
 * of `import { PeaqosClient } from "@peaqos/peaq-os-sdk"` (our `mod.ts`) and of the same kind of
 * import from `openai`, `stripe` and `@octokit/core`, which are npm-installed into `bench/.tmp/`
 * (gitignored) for this benchmark only. Reports minified and gzip (level 9) bytes.
 *
 * The orchestration namespace's methods come from route tables, so a bundler cannot drop the
 * methods an app does not call; what one method costs is measured instead as the difference
 * between the whole client and the transport alone (the floor any single method would pay),
 * divided per method.
 *
 * @module
 */
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { OrchestrationClient } from "../mod.ts";
import { EXPERIMENTAL_ROUTES } from "../src/orchestration/experimental.ts";
import { parseRoute } from "../src/transport.ts";
import { emit } from "./_lib.ts";

const ESBUILD = "esbuild@0.28.2";
const PEERS = ["openai", "stripe", "@octokit/core"] as const;
const TMP = new URL("./.tmp/", import.meta.url);
const ROOT = new URL("../", import.meta.url);

type Entry = { readonly name: string; readonly contents: string };
type Size = {
  readonly name: string;
  readonly version: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
};

export type BundleResult = {
  readonly esbuild: string;
  readonly sizes: readonly Size[];
  /** Bytes of our bundle by source file (minified output), largest first. */
  readonly ourBreakdown: readonly { readonly file: string; readonly bytes: number }[];
  readonly methods: number;
  /** Min/gzip bytes of the transport, errors and validation alone (no namespace methods). */
  readonly transportOnly: Size;
  /** (whole client gzip - transport-only gzip) / methods. */
  readonly gzipBytesPerMethod: number;
  /** The client without the `@experimental` methods (their route table emptied in a copy of `src/`). */
  readonly stableOnly: (Size & { readonly methods: number }) | undefined;
};

type Esbuild = {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { contents: Uint8Array }[];
    metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  }>;
  version: string;
};

/** Installs esbuild and the peers into `bench/.tmp/` unless already there. */
async function install(): Promise<void> {
  await Deno.mkdir(TMP, { recursive: true });
  const manifest = new URL("package.json", TMP);
  try {
    await Deno.stat(new URL("node_modules/esbuild/package.json", TMP));
    await Promise.all(PEERS.map((p) => Deno.stat(new URL(`node_modules/${p}/package.json`, TMP))));
    return;
  } catch {
    // not installed yet
  }
  await Deno.writeTextFile(manifest, JSON.stringify({ name: "bench-tmp", private: true }));
  const npm = new Deno.Command("npm", {
    args: ["install", "--no-audit", "--no-fund", "--silent", ESBUILD, ...PEERS],
    cwd: TMP,
    stdout: "inherit",
    stderr: "inherit",
  });
  const { success } = await npm.output();
  if (!success) throw new Error(`npm install failed in '${TMP.pathname}'`);
}

// Read from disk: some packages' "exports" do not expose their package.json to require().
async function versionOf(name: string): Promise<string> {
  const text = await Deno.readTextFile(new URL(`node_modules/${name}/package.json`, TMP));
  return (JSON.parse(text) as { version: string }).version;
}

async function measure(
  esbuild: Esbuild,
  entry: Entry,
  version: string,
  resolveDir: string,
): Promise<{ size: Size; inputs: Record<string, { bytesInOutput: number }> }> {
  const result = await esbuild.build({
    stdin: { contents: entry.contents, resolveDir, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  return {
    size: {
      name: entry.name,
      version,
      minBytes: code.byteLength,
      gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    },
    inputs,
  };
}

/** Builds every bundle and returns the sizes. */
export async function measureBundles(): Promise<BundleResult> {
  await install();
  const require = createRequire(new URL("package.json", TMP));
  const esbuild = require("esbuild") as Esbuild;
  const root = ROOT.pathname;
  const ourVersion = (JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    version: string;
  }).version;

  const ours = await measure(
    esbuild,
    {
      name: "@peaqos/peaq-os-sdk",
      contents: `export { PeaqosClient } from "./mod.ts";`,
    },
    ourVersion,
    root,
  );
  // The floor one method pays: the transport and everything it pulls in, with one route call.
  const floor = await measure(
    esbuild,
    {
      name: "transport only",
      contents: `import { parseRoute, Transport } from "./src/transport.ts";
export const getMachine = (orchestrationUrl: string, apiKey: string, machineId: string) =>
  new Transport({ orchestrationUrl, apiKey })
    .request(parseRoute("GET /machines/:machineId item"), [machineId]);`,
    },
    ourVersion,
    root,
  );
  const peers: Size[] = [];
  const peerEntries: Record<(typeof PEERS)[number], string> = {
    openai: `export { OpenAI } from "openai";`,
    stripe: `export { default } from "stripe";`,
    "@octokit/core": `export { Octokit } from "@octokit/core";`,
  };
  for (const name of PEERS) {
    const { size } = await measure(
      esbuild,
      { name, contents: peerEntries[name] },
      await versionOf(name),
      TMP.pathname,
    );
    peers.push(size);
  }
  const methods = countMethods();
  const stableOnly = await measureStable(esbuild, ourVersion);
  return {
    esbuild: esbuild.version,
    sizes: [ours.size, ...peers],
    ourBreakdown: Object.entries(ours.inputs)
      .map(([file, { bytesInOutput }]) => ({
        file: file.replace(/^.*?(src\/|mod\.ts)/, "$1"),
        bytes: bytesInOutput,
      }))
      .filter((row) => row.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
    methods,
    transportOnly: floor.size,
    gzipBytesPerMethod: Math.round((ours.size.gzipBytes - floor.size.gzipBytes) / methods),
    stableOnly,
  };
}

/** Bundles a copy of the package whose experimental route table is empty. */
async function measureStable(
  esbuild: Esbuild,
  version: string,
): Promise<Size & { methods: number }> {
  const copy = new URL("stable/", TMP);
  await Deno.remove(copy, { recursive: true }).catch(() => {});
  await Deno.mkdir(copy, { recursive: true });
  await new Deno.Command("cp", {
    args: ["-r", new URL("src", ROOT).pathname, new URL("mod.ts", ROOT).pathname, copy.pathname],
  }).output();
  const file = new URL("src/orchestration/experimental.ts", copy);
  const source = await Deno.readTextFile(file);
  const emptied = source.replace(
    /(export const EXPERIMENTAL_ROUTES: Routes<ExperimentalApi> = )\{[\s\S]*?\n\};/,
    "$1{} as Routes<ExperimentalApi>;",
  );
  if (emptied === source) throw new Error("Cannot find EXPERIMENTAL_ROUTES to empty");
  await Deno.writeTextFile(file, emptied);
  const { size } = await measure(
    esbuild,
    {
      name: "stable methods only",
      contents: `export { PeaqosClient } from "./mod.ts";`,
    },
    version,
    copy.pathname,
  );
  return { ...size, methods: countMethods() - experimentalMethods() };
}

/** Public methods of `client.orchestration`: every route, plus the `*All` of each paginated list. */
function countMethods(): number {
  return Object.getOwnPropertyNames(OrchestrationClient.prototype)
    .filter((name) => name !== "constructor").length;
}

function experimentalMethods(): number {
  const routes = Object.values(EXPERIMENTAL_ROUTES).map(parseRoute);
  return routes.length + routes.filter((route) => route.paginated).length;
}

if (import.meta.main) {
  const figures = await measureBundles();
  for (const size of figures.sizes) {
    console.log(`${size.name}@${size.version}: ${size.minBytes} B min, ${size.gzipBytes} B gzip`);
  }
  if (figures.stableOnly) {
    console.log(
      `without the experimental methods (${figures.stableOnly.methods} methods): ` +
        `${figures.stableOnly.minBytes} B min, ${figures.stableOnly.gzipBytes} B gzip`,
    );
  }
  console.log(
    `transport only: ${figures.transportOnly.gzipBytes} B gzip; ${figures.methods} methods, ` +
      `~${figures.gzipBytesPerMethod} B gzip each`,
  );
  emit({ bundle: figures });
}
