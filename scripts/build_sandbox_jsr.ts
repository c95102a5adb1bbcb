/**
 * Stages the sandbox's JSR package, `@peaqos/peaq-os-sandbox`, into `jsr-sandbox/`
 * (`deno task build:sandbox-jsr`; publish with `cd jsr-sandbox && deno publish`).
 *
 * JSR publishes one folder, and the sandbox imports `../contract/*`, `../src/*` and
 * `../signer/*`, so the package is a self-contained copy: exactly the modules the graphs of its
 * entry points reach (`deno info --json`), placed as `sandbox/`, `contract/` and `_sdk/src/`,
 * `_sdk/signer/`, with every relative import rewritten to the copy's layout and every bare
 * specifier to the `npm:` one `deno.json` pins (`hono` → `npm:hono@4.13.19`). No `jsr:` import
 * remains, so `deno publish --dry-run` works without jsr.io. Beside the modules: a `deno.json`
 * (name, the root's version and license, `exports`), `README.md` (`sandbox/README.md` with
 * absolute links, via {@linkcode registryReadme}) and `LICENSE`.
 *
 * Exports mirror the npm package: `.` is `sandbox/mod.ts`; `./cli` (`sandbox/jsr_bin.ts`) is
 * the npm package's `peaqos-sandbox` command for Deno.
 *
 * @module
 */
import { registryReadme } from "./npm_readme.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The package's name (the npm package's too). */
export const SANDBOX_JSR_PACKAGE = "@peaqos/peaq-os-sandbox";

/** The package's exports: JSR subpath → the module of the repository it serves. */
export const SANDBOX_JSR_EXPORTS: Readonly<Record<string, string>> = {
  ".": "sandbox/mod.ts",
  "./cli": "sandbox/jsr_bin.ts",
};

/** Folders of the repository the package may hold, and where they go in it. */
const PLACES: readonly (readonly [string, string])[] = [
  ["sandbox/", "sandbox/"],
  ["contract/", "contract/"],
  ["src/", "_sdk/src/"],
  ["signer/", "_sdk/signer/"],
];

/** What a build produced. */
export type SandboxJsrBuild = {
  /** The output directory (absolute). */
  readonly outDir: string;
  /** The `deno.json` written. */
  readonly denoJson: Record<string, unknown>;
  /** The modules staged, as paths inside `outDir`, sorted. */
  readonly modules: readonly string[];
};

/** A build error: its message is the whole report. */
export class SandboxJsrBuildError extends Error {}

type Position = { line: number; character: number };
type Resolved = { specifier: string; span: { start: Position; end: Position } };
type Dependency = { specifier: string; code?: Resolved; type?: Resolved };
type GraphModule = {
  specifier: string;
  local?: string;
  error?: string;
  dependencies?: Dependency[];
};

/** The modules `deno info --json` finds from `entries`, by specifier. */
async function moduleGraph(
  entries: readonly string[],
  cwd: string,
  flags: readonly string[],
): Promise<Map<string, GraphModule>> {
  const modules = new Map<string, GraphModule>();
  for (const entry of entries) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", ...flags, entry],
      cwd,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    if (!output.success) {
      throw new SandboxJsrBuildError(
        `deno info ${entry} failed:\n${new TextDecoder().decode(output.stderr)}`,
      );
    }
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: GraphModule[];
    };
    for (const module of info.modules) {
      if (module.error) {
        throw new SandboxJsrBuildError(`Cannot load '${module.specifier}': ${module.error}`);
      }
      modules.set(module.specifier, module);
    }
  }
  return modules;
}

/** Where a file of the repository goes in the package (a path inside it). */
function placeOf(path: string): string {
  for (const [from, to] of PLACES) {
    if (path.startsWith(from)) return `${to}${path.slice(from.length)}`;
  }
  throw new SandboxJsrBuildError(
    `The sandbox's module graph reaches '${path}', outside ${
      PLACES.map(([from]) => `'${from}'`).join(", ")
    }: add its folder to PLACES in scripts/build_sandbox_jsr.ts`,
  );
}

function repositoryPath(fileUrl: string): string {
  const path = decodeURIComponent(new URL(fileUrl).pathname);
  if (!path.startsWith(`${ROOT}/`)) {
    throw new SandboxJsrBuildError(`The module graph reaches '${path}', outside the repository`);
  }
  return path.slice(ROOT.length + 1);
}

function relativeSpecifier(fromPlace: string, toPlace: string): string {
  const from = fromPlace.split("/").slice(0, -1);
  const to = toPlace.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join("/");
  return up === 0 ? `./${rest}` : `${"../".repeat(up)}${rest}`;
}

/** The specifier a dependency gets in the package, from what Deno resolved it to. */
function stagedSpecifier(importerPlace: string, resolved: string): string {
  if (resolved.startsWith("file://")) {
    return relativeSpecifier(importerPlace, placeOf(repositoryPath(resolved)));
  }
  // deno.json maps `hono/` to `npm:/hono@4.13.19/`; both spellings name the same package.
  if (resolved.startsWith("npm:")) return resolved.replace(/^npm:\/+/, "npm:");
  if (resolved.startsWith("node:")) return resolved;
  throw new SandboxJsrBuildError(
    `'${resolved}' is neither a module of the repository nor an npm: or node: module; ` +
      "the package must build and publish without jsr.io",
  );
}

function offsetOf(lineStarts: readonly number[], position: Position): number {
  const start = lineStarts[position.line];
  if (start === undefined) throw new SandboxJsrBuildError(`No line ${position.line}`);
  return start + position.character;
}

/** The module's text with each import specifier replaced by its staged form. */
function rewriteImports(text: string, module: GraphModule, place: string): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const edits = new Map<number, { end: number; specifier: string; original: string }>();
  for (const dependency of module.dependencies ?? []) {
    for (const resolved of [dependency.code, dependency.type]) {
      if (!resolved) continue;
      const start = offsetOf(lineStarts, resolved.span.start);
      const end = offsetOf(lineStarts, resolved.span.end);
      edits.set(start, {
        end,
        specifier: stagedSpecifier(place, resolved.specifier),
        original: dependency.specifier,
      });
    }
  }
  let out = text;
  for (const [start, edit] of [...edits].sort(([a], [b]) => b - a)) {
    const quoted = out.slice(start, edit.end);
    const quote = quoted[0];
    if ((quote !== '"' && quote !== "'") || quoted !== `${quote}${edit.original}${quote}`) {
      throw new SandboxJsrBuildError(
        `${place}: expected the import '${edit.original}' at offset ${start}, found ${quoted}`,
      );
    }
    out = `${out.slice(0, start)}${quote}${edit.specifier}${quote}${out.slice(edit.end)}`;
  }
  return out;
}

/** The JSR page's README: a short preface, then the sandbox's README as the registry shows it. */
function readme(repository: string): string {
  const preface = `# ${SANDBOX_JSR_PACKAGE}

A stateful local peaqOS Machine Markets API for development and tests, on Deno (and, through the
npm package of the same name, Node and Bun). Pair it with
[\`@peaqos/peaq-os-sdk\`](https://jsr.io/@peaqos/peaq-os-sdk).

\`\`\`sh
deno add jsr:${SANDBOX_JSR_PACKAGE}
deno run -A jsr:${SANDBOX_JSR_PACKAGE}/cli --port 8788 --api-key sk_test --test-controls
\`\`\`

\`\`\`ts
import { startSandbox } from "${SANDBOX_JSR_PACKAGE}";

await using sandbox = await startSandbox({ testControls: true }); // 127.0.0.1, a free port
console.log(sandbox.url, sandbox.apiKey);
\`\`\`

The sandbox's README follows (in the repository: \`sandbox/README.md\`). Its examples import
\`${SANDBOX_JSR_PACKAGE}\` where a checkout of the repository imports \`./sandbox/mod.ts\`, and
\`deno task sandbox\` there is \`deno run -A jsr:${SANDBOX_JSR_PACKAGE}/cli\` here.

`;
  const body = registryReadme(
    Deno.readTextFileSync(`${ROOT}/sandbox/README.md`),
    repository,
    "sandbox/",
  ).replaceAll('"./sandbox/mod.ts"', `"${SANDBOX_JSR_PACKAGE}"`);
  // The sandbox README's title becomes a section under the package's.
  return preface + body.replace(/^# /, "## ");
}

/**
 * Checks that the staged package stands alone: from its exports, with no configuration and no
 * import map, every module is a file of the package or an `npm:`/`node:` module, and every
 * staged module is reached.
 */
async function checkSelfContained(outDir: string, modules: readonly string[]): Promise<void> {
  const graph = await moduleGraph(
    Object.values(SANDBOX_JSR_EXPORTS).map((path) => `./${placeOf(path)}`),
    outDir,
    ["--no-config", "--no-lock"],
  );
  const reached = new Set<string>();
  for (const specifier of graph.keys()) {
    if (specifier.startsWith("file://")) {
      const path = decodeURIComponent(new URL(specifier).pathname);
      if (!path.startsWith(`${outDir}/`)) {
        throw new SandboxJsrBuildError(`The staged package imports '${path}', outside it`);
      }
      reached.add(path.slice(outDir.length + 1));
    } else if (!/^(npm|node):/.test(specifier)) {
      throw new SandboxJsrBuildError(`The staged package imports '${specifier}'`);
    }
  }
  const unreached = modules.filter((path) => !reached.has(path));
  if (unreached.length > 0 || reached.size !== modules.length) {
    throw new SandboxJsrBuildError(
      `The staged graph differs from the one staged: unreached ${unreached.join(", ")}`,
    );
  }
}

/**
 * Stages the package into `outDir` (default `<root>/jsr-sandbox`), replacing what was there.
 *
 * @example
 * ```ts ignore
 * const { outDir, modules } = await buildSandboxJsr();
 * ```
 */
export async function buildSandboxJsr(outDir = `${ROOT}/jsr-sandbox`): Promise<SandboxJsrBuild> {
  if (!outDir.startsWith("/") || outDir === ROOT || outDir === "/") {
    throw new SandboxJsrBuildError(`Refusing to build into '${outDir}'`);
  }
  const rootJson = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)) as {
    version: string;
    license: string;
    compilerOptions?: Record<string, unknown>;
  };
  const metadata = JSON.parse(
    Deno.readTextFileSync(`${ROOT}/scripts/npm_metadata.json`),
  ) as { repository: string };
  const graph = await moduleGraph(Object.values(SANDBOX_JSR_EXPORTS), ROOT, ["--lock=deno.lock"]);
  await Deno.remove(outDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const modules: string[] = [];
  for (const module of graph.values()) {
    if (!module.specifier.startsWith("file://")) continue;
    const place = placeOf(repositoryPath(module.specifier));
    const text = Deno.readTextFileSync(new URL(module.specifier));
    const target = `${outDir}/${place}`;
    Deno.mkdirSync(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(target, rewriteImports(text, module, place));
    modules.push(place);
  }
  modules.sort();
  const denoJson = {
    name: SANDBOX_JSR_PACKAGE,
    version: rootJson.version,
    license: rootJson.license,
    exports: Object.fromEntries(
      Object.entries(SANDBOX_JSR_EXPORTS).map(([key, path]) => [key, `./${placeOf(path)}`]),
    ),
    // The code is written (and type-checked at publish) under the repository's strictness.
    ...(rootJson.compilerOptions ? { compilerOptions: rootJson.compilerOptions } : {}),
    // The package folder is staged and git-ignored: publish exactly what the build wrote.
    publish: { include: ["sandbox/", "contract/", "_sdk/", "README.md", "LICENSE", "deno.json"] },
    lock: false,
  };
  Deno.writeTextFileSync(`${outDir}/deno.json`, `${JSON.stringify(denoJson, null, 2)}\n`);
  Deno.writeTextFileSync(`${outDir}/README.md`, readme(metadata.repository));
  Deno.copyFileSync(`${ROOT}/LICENSE`, `${outDir}/LICENSE`);
  await checkSelfContained(outDir, modules);
  return { outDir, denoJson, modules };
}

if (import.meta.main) {
  try {
    const { outDir, modules } = await buildSandboxJsr();
    console.log(`Staged ${SANDBOX_JSR_PACKAGE} (${modules.length} modules) into ${outDir}`);
  } catch (error) {
    console.error(error instanceof SandboxJsrBuildError ? error.message : error);
    Deno.exit(1);
  }
}
