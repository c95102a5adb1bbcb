/**
 * Builds the npm package into `npm/` from `deno.json` (`deno task build:npm`), the way dnt
 * would: ESM `.js` + `.d.ts` in `npm/esm`, CommonJS `.js` + `.d.ts` in `npm/cjs`, and a
 * `package.json` whose conditional `exports` map has one entry per JSR export.
 *
 * `deno.json` is the single source of name, version, description, license and exports;
 * `scripts/npm_metadata.json` holds what only npm needs (repository, homepage, bugs, keywords);
 * `src/version.ts` must carry deno.json's version. The package has no `dependencies`: the
 * `npm:` packages the exported modules import (inline `npm:` specifiers or bare ones mapped to
 * `npm:` in deno.json "imports") are bundled into a private `_vendor/deps.js` per format (see
 * `npm_vendor.ts`), and the core (`.`) may import none. Every import in the output is checked
 * to be relative and to land on an emitted file. `README.md` goes out through `npmReadme()`
 * (absolute links, `npm:skip` blocks dropped).
 *
 * The build fails loudly (exit 1, every diagnostic printed) on any error, and writes nothing
 * outside `npm/`.
 *
 * @module
 */
import ts from "npm:typescript@5.9.3";
import {
  buildPackageJson,
  checkVersionSource,
  type NpmMetadata,
  npmSpecifier,
  type PackageJson,
  parseNpmMetadata,
  validateExports,
} from "./npm_package.ts";
import { npmReadme } from "./npm_readme.ts";
import {
  bundleVendor,
  collectVendorBindings,
  NOTICES_FILE,
  rewriteVendoredImports,
  thirdPartyNotices,
  VENDOR_FILE,
  type VendorBindings,
  type VendoredPackage,
} from "./npm_vendor.ts";

/** The module holding `VERSION`, which must equal deno.json's "version". */
const VERSION_FILE = "src/version.ts";
/** npm-only package.json fields (repository, homepage, bugs, keywords). */
const METADATA_FILE = "scripts/npm_metadata.json";

/** Where the build runs from and writes to. */
export type BuildPaths = {
  /** The project root (holds deno.json, README.md, LICENSE). */
  readonly root: string;
  /** The output directory; must be `npm` inside `root`. */
  readonly outDir: string;
};

/** What a build produced. */
export type BuildResult = {
  readonly packageJson: PackageJson;
  /** The npm packages bundled into `_vendor/`, with their licenses. */
  readonly vendored: readonly VendoredPackage[];
  /** Every file written, relative to `outDir`. */
  readonly files: readonly string[];
};

type DenoJson = {
  name?: string;
  version?: string;
  description?: string;
  license?: string;
  exports?: string | Record<string, string>;
  imports?: Record<string, string>;
};

/** A build error: its message is the whole report. */
export class BuildError extends Error {}

const TS_EXTENSIONS = /\.(m|c)?tsx?$/;

/** One source module as it goes into the compiler. */
type Module = { readonly path: string; readonly text: string };

/** The module graph of every export, with the npm imports found along the way. */
type Graph = {
  readonly modules: Map<string, Module>;
  /** npm package name → version as deno.json pins it, from the `npm:` specifiers. */
  readonly dependencies: Map<string, string>;
  /** Module → the modules it imports (resolved paths). */
  readonly edges: Map<string, string[]>;
  /** Module → the npm specifiers it imports, as Node resolves them. */
  readonly npmImports: Map<string, Set<string>>;
  /** What the vendored module must export, per npm specifier. */
  readonly bindings: VendorBindings;
};

function resolvePath(from: string, specifier: string): string {
  return new URL(specifier, `file://${from}`).pathname;
}

function relativeSpecifier(fromFile: string, toFile: string): string {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join("/");
  return up === 0 ? `./${rest}` : `${"../".repeat(up)}${rest}`;
}

/**
 * Walks the imports of every entry with `ts.preProcessFile`, rewriting npm specifiers to what
 * Node resolves (`npm:/@noble/curves@2.4.0/secp256k1.js` → `@noble/curves/secp256k1.js`)
 * and recording their packages.
 */
function collectGraph(entries: readonly string[], imports: Record<string, string>): Graph {
  const modules = new Map<string, Module>();
  const dependencies = new Map<string, string>();
  const edges = new Map<string, string[]>();
  const npmImports = new Map<string, Set<string>>();
  const bindings: VendorBindings = new Map();
  const errors: string[] = [];
  const queue = [...entries];

  const addDependency = (name: string, version: string, where: string) => {
    const known = dependencies.get(name);
    if (known !== undefined && known !== version) {
      errors.push(`${where}: npm package '${name}' pinned twice: '${known}' and '${version}'`);
    }
    dependencies.set(name, version);
  };

  while (queue.length > 0) {
    const path = queue.shift()!;
    if (modules.has(path)) continue;
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (cause) {
      errors.push(`Cannot read module '${path}': ${(cause as Error).message}`);
      continue;
    }
    const { importedFiles, referencedFiles, typeReferenceDirectives } = ts.preProcessFile(
      text,
      true,
      true,
    );
    if (referencedFiles.length > 0 || typeReferenceDirectives.length > 0) {
      errors.push(`${path}: triple-slash references are not supported in the npm build`);
    }
    // Rewrite from the end so earlier positions stay valid.
    const rewrites: { pos: number; end: number; text: string }[] = [];
    const resolved: string[] = [];
    const npm = new Set<string>();
    for (const imported of importedFiles) {
      const specifier = imported.fileName;
      const where = `${path}: import '${specifier}'`;
      let target = specifier;
      // preProcessFile's `pos` is the opening quote; the text follows it.
      const rewrite = (text: string) => {
        if (text !== specifier) {
          rewrites.push({ pos: imported.pos + 1, end: imported.pos + 1 + specifier.length, text });
        }
      };
      if (!specifier.startsWith(".") && !specifier.startsWith("/") && !/^[a-z]+:/.test(specifier)) {
        // A bare specifier: it must come from deno.json "imports".
        const key = imports[specifier] !== undefined ? specifier : Object.keys(imports)
          .filter((name) => name.endsWith("/") && specifier.startsWith(name))
          .sort((a, b) => b.length - a.length)[0];
        if (key === undefined) {
          errors.push(`${where}: bare specifier not mapped in deno.json "imports"`);
          continue;
        }
        target = imports[key]! + specifier.slice(key.length);
        if (target.startsWith("./") || target.startsWith("../")) {
          target = new URL(target, `file://${Deno.cwd()}/`).pathname;
        }
      }
      if (target.startsWith("npm:")) {
        const parsed = npmSpecifier(target);
        if (!parsed) {
          errors.push(`${where}: npm specifier needs an exact or ranged version: '${target}'`);
          continue;
        }
        addDependency(parsed.name, parsed.version, where);
        rewrite(parsed.nodeSpecifier);
        npm.add(parsed.nodeSpecifier);
        continue;
      }
      if (/^[a-z]+:/.test(target) && !target.startsWith("file:")) {
        errors.push(`${where}: '${target.split(":")[0]}:' imports cannot be published to npm`);
        continue;
      }
      const file = target.startsWith("file:")
        ? new URL(target).pathname
        : target.startsWith("/")
        ? target
        : resolvePath(path, target);
      if (!TS_EXTENSIONS.test(file) && !file.endsWith(".js")) {
        errors.push(`${where}: relative imports must name the file with its extension`);
        continue;
      }
      if (target !== specifier) rewrite(relativeSpecifier(path, file));
      resolved.push(file);
      queue.push(file);
    }
    let out = text;
    for (const rewrite of rewrites.sort((a, b) => b.pos - a.pos)) {
      out = out.slice(0, rewrite.pos) + rewrite.text + out.slice(rewrite.end);
    }
    modules.set(path, { path, text: out });
    edges.set(path, resolved);
    if (npm.size > 0) {
      npmImports.set(path, npm);
      errors.push(...collectVendorBindings(path, out, npm, bindings));
    }
  }
  if (errors.length > 0) throw new BuildError(errors.join("\n"));
  return { modules, dependencies, edges, npmImports, bindings };
}

const BASE_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  declaration: true,
  // Not isolatedDeclarations: the clients' `[Symbol.for("nodejs.util.inspect.custom")]()`
  // members are computed names it cannot handle, so declarations come from the checker.
  isolatedModules: true,
  verbatimModuleSyntax: false,
  rewriteRelativeImportExtensions: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
  types: [],
};

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], root: string): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  });
}

function rewriteExtension(specifier: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return specifier;
  return specifier.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs").replace(/\.cts$/, ".cjs");
}

/**
 * `rewriteRelativeImportExtensions` rewrites `.ts` → `.js` in emitted JavaScript but not in
 * declarations; this transformer does the same for `.d.ts` files (imports, re-exports and
 * `import("./x.ts")` types).
 */
const rewriteDeclarationImports: ts.TransformerFactory<ts.SourceFile | ts.Bundle> = (context) => {
  const { factory } = context;
  const literal = (node: ts.Expression | undefined): ts.StringLiteral | undefined =>
    node && ts.isStringLiteral(node) && rewriteExtension(node.text) !== node.text
      ? factory.createStringLiteral(rewriteExtension(node.text))
      : undefined;
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      if (specifier) {
        return factory.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          specifier,
          node.attributes,
        );
      }
    } else if (ts.isExportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      if (specifier) {
        return factory.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          specifier,
          node.attributes,
        );
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const specifier = literal(node.argument.literal as ts.Expression);
      if (specifier) {
        return factory.updateImportTypeNode(
          node,
          factory.createLiteralTypeNode(specifier),
          node.attributes,
          node.qualifier,
          node.typeArguments,
          node.isTypeOf,
        );
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => ts.visitNode(file, visit) as ts.SourceFile | ts.Bundle;
};

/**
 * Compiles the graph once into `target`. The ESM pass type-checks everything; the CJS pass
 * only re-emits (`noCheck`), since types cannot differ between the two.
 */
function compile(
  graph: Graph,
  paths: BuildPaths,
  target: string,
  format: "esm" | "cjs",
  written: string[],
): void {
  const options: ts.CompilerOptions = {
    ...BASE_OPTIONS,
    rootDir: paths.root,
    outDir: target,
    ...(format === "esm"
      ? { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }
      : {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        noCheck: true,
      }),
  };
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => graph.modules.get(file)?.text ?? readFile(file);
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    const module = graph.modules.get(file);
    return module
      ? ts.createSourceFile(file, module.text, language, true)
      : getSourceFile(file, language, onError, shouldCreate);
  };
  host.writeFile = (file, text) => {
    if (!file.startsWith(`${target}/`)) {
      throw new BuildError(`Refusing to write outside '${target}': '${file}'`);
    }
    Deno.mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(file, text);
    written.push(file.slice(paths.outDir.length + 1));
  };
  const program = ts.createProgram([...graph.modules.keys()], options, host);
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length === 0) {
    const vendored = new Set(graph.bindings.keys());
    const emitted = program.emit(undefined, undefined, undefined, false, {
      after: vendored.size === 0 ? [] : [
        rewriteVendoredImports(
          vendored,
          (file) => relativeSpecifier(file, `${paths.root}/${VENDOR_FILE}`),
        ),
      ],
      afterDeclarations: [rewriteDeclarationImports],
    });
    diagnostics.push(...emitted.diagnostics);
  }
  if (diagnostics.length > 0) {
    throw new BuildError(
      `TypeScript (${format}) reported ${diagnostics.length} error(s):\n${
        formatDiagnostics(diagnostics, paths.root)
      }`,
    );
  }
  const outside = program.getSourceFiles().filter((file) =>
    !file.isDeclarationFile && !graph.modules.has(file.fileName)
  );
  if (outside.length > 0) {
    throw new BuildError(
      `Modules outside the export graph were compiled: ${
        outside.map((f) => f.fileName).join(", ")
      }`,
    );
  }
}

/** Relative `./x.ts` in deno.json → the emitted path of format `dir`, e.g. `./esm/x.js`. */
function emittedPath(source: string, dir: string, extension: ".js" | ".d.ts"): string {
  return `./${dir}/${source.replace(/^\.\//, "").replace(TS_EXTENSIONS, extension)}`;
}

/** Builds `npm/` from `deno.json`; throws {@linkcode BuildError} on any problem. */
export async function buildNpm(paths: BuildPaths): Promise<BuildResult> {
  if (paths.outDir !== `${paths.root}/npm`) {
    throw new BuildError(`The output directory must be '${paths.root}/npm': got '${paths.outDir}'`);
  }
  const denoJson = JSON.parse(Deno.readTextFileSync(`${paths.root}/deno.json`)) as DenoJson;
  const exportsField = typeof denoJson.exports === "string"
    ? { ".": denoJson.exports }
    : denoJson.exports ?? {};
  if (Object.keys(exportsField).length === 0) throw new BuildError(`deno.json has no "exports"`);
  for (const [key, source] of Object.entries(exportsField)) {
    if (!TS_EXTENSIONS.test(source) || !source.startsWith("./")) {
      throw new BuildError(`deno.json export '${key}' must be a relative .ts file: '${source}'`);
    }
  }
  for (const file of ["README.md", "LICENSE", VERSION_FILE, METADATA_FILE]) {
    try {
      Deno.statSync(`${paths.root}/${file}`);
    } catch {
      throw new BuildError(`Missing '${file}' at the project root: the npm build needs it`);
    }
  }
  const versionProblem = checkVersionSource(
    denoJson.version,
    Deno.readTextFileSync(`${paths.root}/${VERSION_FILE}`),
  );
  if (versionProblem) throw new BuildError(`${VERSION_FILE}: ${versionProblem}`);
  let metadata: NpmMetadata;
  let readme: string;
  try {
    metadata = parseNpmMetadata(
      JSON.parse(Deno.readTextFileSync(`${paths.root}/${METADATA_FILE}`)),
    );
    readme = npmReadme(Deno.readTextFileSync(`${paths.root}/README.md`), metadata.repository);
  } catch (error) {
    throw new BuildError(`${(error as Error).message}`);
  }

  const entries = Object.values(exportsField).map((source) =>
    resolvePath(`${paths.root}/`, source)
  );
  const previousCwd = Deno.cwd();
  Deno.chdir(paths.root);
  let graph: Graph;
  try {
    graph = collectGraph(entries, denoJson.imports ?? {});
  } finally {
    Deno.chdir(previousCwd);
  }
  const coreProblems = coreNpmImports(graph, resolvePath(`${paths.root}/`, exportsField["."]!));
  if (coreProblems.length > 0) throw new BuildError(coreProblems.join("\n"));

  try {
    Deno.removeSync(paths.outDir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return await finishBuild(paths, denoJson, exportsField, graph, { metadata, readme });
}

/** The core (`.`) stays dependency-free: no module it reaches may import an npm package. */
function coreNpmImports(graph: Graph, coreEntry: string | undefined): string[] {
  if (coreEntry === undefined) return [`deno.json "exports" has no "." entry`];
  const seen = new Set<string>();
  const queue = [coreEntry];
  const problems: string[] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const specifier of graph.npmImports.get(path) ?? []) {
      problems.push(
        `${path}: imports '${specifier}', but the core ('.') must stay dependency-free; ` +
          `put code that needs npm packages behind a subpath such as './signer'`,
      );
    }
    queue.push(...graph.edges.get(path) ?? []);
  }
  return problems;
}

/**
 * Every import in the emitted files must be relative and land on an emitted file, so the
 * package resolves nothing outside itself; declarations may not reference anything else.
 */
function emittedImportProblems(outDir: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const shipped = new Set(files);
  for (const file of files) {
    if (!/\.(js|d\.ts)$/.test(file)) continue;
    const text = Deno.readTextFileSync(`${outDir}/${file}`);
    const info = ts.preProcessFile(text, true, true);
    if (info.referencedFiles.length > 0 || info.typeReferenceDirectives.length > 0) {
      problems.push(`npm/${file}: has a triple-slash reference`);
    }
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith("./") && !fileName.startsWith("../")) {
        problems.push(`npm/${file}: imports '${fileName}', which the package does not ship`);
        continue;
      }
      const resolved = new URL(fileName, `file:///${file}`).pathname.slice(1);
      const candidates = file.endsWith(".d.ts")
        ? [resolved.replace(/\.js$/, ".d.ts"), resolved]
        : [resolved];
      if (!candidates.some((candidate) => shipped.has(candidate))) {
        problems.push(`npm/${file}: imports '${fileName}', which the build did not emit`);
      }
    }
  }
  return problems;
}

async function finishBuild(
  paths: BuildPaths,
  denoJson: DenoJson,
  exportsField: Record<string, string>,
  graph: Graph,
  npmOnly: { readonly metadata: NpmMetadata; readonly readme: string },
): Promise<BuildResult> {
  const written: string[] = [];
  Deno.mkdirSync(paths.outDir, { recursive: true });
  compile(graph, paths, `${paths.outDir}/esm`, "esm", written);
  compile(graph, paths, `${paths.outDir}/cjs`, "cjs", written);
  const write = (name: string, text: string) => {
    Deno.mkdirSync(`${paths.outDir}/${name}`.replace(/\/[^/]*$/, ""), { recursive: true });
    Deno.writeTextFileSync(`${paths.outDir}/${name}`, text);
    written.push(name);
  };
  write("cjs/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

  const vendored: VendoredPackage[] = [];
  if (graph.bindings.size > 0) {
    for (const format of ["esm", "cjs"] as const) {
      let bundle;
      try {
        bundle = await bundleVendor(paths.root, graph.bindings, format);
      } catch (error) {
        throw new BuildError(`Vendoring npm imports (${format}): ${(error as Error).message}`);
      }
      write(`${format}/${VENDOR_FILE}`, bundle.text);
      if (format === "esm") vendored.push(...bundle.packages);
    }
    for (const [name, pinned] of graph.dependencies) {
      const found = vendored.find((p) => p.name === name);
      if (found && found.version !== pinned) {
        throw new BuildError(
          `node_modules holds ${name}@${found.version} but deno.json pins '${pinned}': ` +
            `run 'deno install'`,
        );
      }
    }
    write(NOTICES_FILE, thirdPartyNotices(vendored));
  }
  const importProblems = emittedImportProblems(paths.outDir, written);
  if (importProblems.length > 0) throw new BuildError(importProblems.join("\n"));

  const packageJson = buildPackageJson({
    name: denoJson.name,
    version: denoJson.version,
    description: denoJson.description,
    license: denoJson.license,
    metadata: npmOnly.metadata,
    exports: Object.fromEntries(
      Object.entries(exportsField).map(([key, source]) => [key, {
        esm: emittedPath(source, "esm", ".js"),
        esmTypes: emittedPath(source, "esm", ".d.ts"),
        cjs: emittedPath(source, "cjs", ".js"),
        cjsTypes: emittedPath(source, "cjs", ".d.ts"),
      }]),
    ),
    extraFiles: vendored.length > 0 ? [NOTICES_FILE] : [],
  });
  for (const [key, target] of Object.entries(packageJson.exports)) {
    if (typeof target === "string") continue;
    for (
      const file of [
        target.import.default,
        target.import.types,
        target.require.default,
        target.require.types,
      ]
    ) {
      if (!written.includes(file.slice(2))) {
        throw new BuildError(`Export '${key}' points at '${file}', which the build did not emit`);
      }
    }
  }
  const problems = validateExports(exportsField, packageJson.exports);
  if (problems.length > 0) throw new BuildError(problems.join("\n"));
  write("package.json", `${JSON.stringify(packageJson, null, 2)}\n`);
  write("README.md", npmOnly.readme);
  Deno.copyFileSync(`${paths.root}/LICENSE`, `${paths.outDir}/LICENSE`);
  written.push("LICENSE");
  return { packageJson, vendored, files: written.sort() };
}

if (import.meta.main) {
  // The project root is this repository unless given (the build's own tests use a copy).
  const root = Deno.args[0]?.replace(/\/$/, "") ??
    new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const started = performance.now();
  try {
    const { packageJson, files, vendored } = await buildNpm({ root, outDir: `${root}/npm` });
    const bundled = vendored.map((p) => `${p.name}@${p.version}`);
    console.log(
      `Built ${packageJson.name}@${packageJson.version} into npm/: ${files.length} files, ` +
        `exports ${Object.keys(packageJson.exports).join(" ")}, no dependencies, ` +
        `vendored ${bundled.length > 0 ? bundled.join(" ") : "nothing"} ` +
        `(${Math.round(performance.now() - started)} ms)`,
    );
  } catch (error) {
    console.error(`build:npm failed: ${error instanceof BuildError ? error.message : error}`);
    if (!(error instanceof BuildError)) console.error(error);
    Deno.exit(1);
  }
}
