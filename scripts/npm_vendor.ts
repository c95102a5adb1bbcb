/**
 * Vendoring for the npm build: the npm packages the exported modules import (today the
 * `@noble` code of `./signer`) are bundled with esbuild into one private module per format,
 * `esm/_vendor/deps.js` and `cjs/_vendor/deps.js`, so `npm install` of the SDK pulls no
 * dependencies and `require()` of every subpath works without `require(esm)`.
 *
 * Only static named value imports can be vendored (`import { a, b as c } from "pkg/x.js"`):
 * the vendored module re-exports exactly those names, and the build rewrites each such
 * specifier in the emitted JavaScript to the vendored file. Type-only imports are fine as long
 * as no declaration file ends up naming the package (the build checks the emitted `.d.ts`).
 *
 * @module
 */
import ts from "npm:typescript@5.9.3";
import { build, stop } from "esbuild";

/** The vendored module, relative to each format's directory (`esm/`, `cjs/`). */
export const VENDOR_FILE = "_vendor/deps.js";

/** The notices file shipped at the package root when anything is vendored. */
export const NOTICES_FILE = "THIRD_PARTY_NOTICES.md";

/** Value names each npm specifier is imported for, e.g. `@noble/hashes/sha3.js` → keccak_256. */
export type VendorBindings = Map<string, Set<string>>;

/**
 * Finds what a module imports from the given npm specifiers (as written in `text`) and adds
 * the value names to `bindings`; returns the problems (imports that cannot be vendored).
 *
 * @example
 * ```ts
 * import { collectVendorBindings, type VendorBindings } from "./npm_vendor.ts";
 *
 * const bindings: VendorBindings = new Map();
 * const problems = collectVendorBindings(
 *   "a.ts",
 *   `import { keccak_256 as k } from "@noble/hashes/sha3.js";`,
 *   new Set(["@noble/hashes/sha3.js"]),
 *   bindings,
 * );
 * console.assert(problems.length === 0 && bindings.get("@noble/hashes/sha3.js")?.has("keccak_256"));
 * ```
 */
export function collectVendorBindings(
  path: string,
  text: string,
  specifiers: ReadonlySet<string>,
  bindings: VendorBindings,
): string[] {
  const problems: string[] = [];
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const seen = new Set<string>();
  const where = (node: ts.Node, specifier: string) =>
    `${path}:${
      source.getLineAndCharacterOfPosition(node.getStart()).line + 1
    }: import of '${specifier}'`;
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      if (specifiers.has(specifier)) {
        seen.add(specifier);
        problems.push(
          `${where(statement, specifier)}: re-exporting an npm package would publish its API ` +
            `and types; import what you need and export your own`,
        );
      }
      continue;
    }
    if (!ts.isImportDeclaration(statement)) continue;
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    if (!specifiers.has(specifier)) continue;
    seen.add(specifier);
    const clause = statement.importClause;
    if (clause === undefined) {
      problems.push(`${where(statement, specifier)}: side-effect imports cannot be vendored`);
      continue;
    }
    if (clause.isTypeOnly) continue;
    if (clause.name !== undefined) {
      problems.push(`${where(statement, specifier)}: default imports cannot be vendored`);
    }
    const named = clause.namedBindings;
    if (named !== undefined && ts.isNamespaceImport(named)) {
      problems.push(`${where(statement, specifier)}: namespace imports cannot be vendored`);
      continue;
    }
    for (const element of named?.elements ?? []) {
      if (element.isTypeOnly) continue;
      const name = (element.propertyName ?? element.name).text;
      let names = bindings.get(specifier);
      if (names === undefined) bindings.set(specifier, names = new Set());
      names.add(name);
    }
  }
  for (const specifier of specifiers) {
    if (!seen.has(specifier)) {
      problems.push(
        `${path}: import of '${specifier}': only static 'import { name } from' imports of npm ` +
          `packages can be vendored (no dynamic import or require)`,
      );
    }
  }
  return problems;
}

/**
 * The entry esbuild bundles: one `export { ... } from` per specifier, sorted. A name imported
 * from two specifiers would clash in the one vendored module, so it is an error.
 *
 * @example
 * ```ts
 * import { vendorEntry } from "./npm_vendor.ts";
 *
 * const entry = vendorEntry(new Map([["@noble/hashes/sha3.js", new Set(["keccak_256"])]]));
 * console.assert(entry === 'export { keccak_256 } from "@noble/hashes/sha3.js";\n');
 * ```
 */
export function vendorEntry(bindings: VendorBindings): string {
  const owner = new Map<string, string>();
  const lines: string[] = [];
  for (const specifier of [...bindings.keys()].sort()) {
    const names = [...bindings.get(specifier)!].sort();
    if (names.length === 0) continue;
    for (const name of names) {
      const other = owner.get(name);
      if (other !== undefined) {
        throw new Error(
          `'${name}' is imported from both '${other}' and '${specifier}': the vendored module ` +
            `can export it once; import it from one of them everywhere`,
        );
      }
      owner.set(name, specifier);
    }
    lines.push(`export { ${names.join(", ")} } from ${JSON.stringify(specifier)};`);
  }
  return lines.map((line) => `${line}\n`).join("");
}

/** One package whose code went into the vendored module. */
export type VendoredPackage = {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly licenseText: string;
};

/** The vendored module of one format. */
export type VendorBundle = {
  readonly text: string;
  readonly packages: readonly VendoredPackage[];
};

const PERMISSIVE = new Set(["MIT", "ISC", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "0BSD"]);

function packageOf(root: string, input: string): VendoredPackage {
  let dir = `${root}/${input}`.replace(/\/[^/]*$/, "");
  while (dir.length > root.length) {
    let manifest: { name?: string; version?: string; license?: string } | undefined;
    try {
      manifest = JSON.parse(Deno.readTextFileSync(`${dir}/package.json`));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (manifest?.name && manifest.version) {
      const license = manifest.license ?? "";
      if (!PERMISSIVE.has(license)) {
        throw new Error(
          `'${manifest.name}' has license '${license}': only ${
            [...PERMISSIVE].join(", ")
          } packages are vendored`,
        );
      }
      const file = [...Deno.readDirSync(dir)].find((entry) =>
        entry.isFile && /^licen[cs]e(\.(md|txt))?$/i.test(entry.name)
      );
      if (!file) throw new Error(`'${manifest.name}' ships no LICENSE file to reproduce`);
      return {
        name: manifest.name,
        version: manifest.version,
        license,
        licenseText: Deno.readTextFileSync(`${dir}/${file.name}`).trim(),
      };
    }
    dir = dir.replace(/\/[^/]*$/, "");
  }
  throw new Error(`No package.json above bundled file '${input}'`);
}

/**
 * Bundles the bindings into one module of `format`, resolving packages from `root`'s
 * `node_modules`, and names every package whose code it holds in a header comment.
 */
export async function bundleVendor(
  root: string,
  bindings: VendorBindings,
  format: "esm" | "cjs",
): Promise<VendorBundle> {
  const result = await build({
    stdin: { contents: vendorEntry(bindings), resolveDir: root, sourcefile: "vendor.js" },
    absWorkingDir: root,
    bundle: true,
    write: false,
    format,
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    legalComments: "eof",
  });
  await stop();
  const packages = new Map<string, VendoredPackage>();
  for (const input of Object.keys(result.metafile!.inputs)) {
    if (input === "vendor.js" || input === "<stdin>") continue;
    const found = packageOf(root, input);
    packages.set(`${found.name}@${found.version}`, found);
  }
  const list = [...packages.values()].sort((a, b) => a.name < b.name ? -1 : 1);
  const header = `/*! Private to @peaqos/peaq-os-sdk; not an API. Bundled from ${
    list.map((p) => `${p.name}@${p.version} (${p.license})`).join(", ")
  }: see ${NOTICES_FILE} at the package root for their licenses. */\n`;
  return { text: header + result.outputFiles![0]!.text, packages: list };
}

/**
 * The notices file: each vendored package with its version, license and license text.
 *
 * @example
 * ```ts ignore
 * Deno.writeTextFileSync("npm/THIRD_PARTY_NOTICES.md", thirdPartyNotices(bundle.packages));
 * ```
 */
export function thirdPartyNotices(packages: readonly VendoredPackage[]): string {
  const sections = packages.map((p) =>
    `## ${p.name} ${p.version} (${p.license})\n\n\`\`\`text\n${p.licenseText}\n\`\`\`\n`
  );
  return `# Third-party notices\n\n` +
    `This package bundles the code below into \`esm/${VENDOR_FILE}\` and ` +
    `\`cjs/${VENDOR_FILE}\` (used by the \`./signer\` subpath), so that installing it ` +
    `installs no dependencies. Each is distributed under its own license, reproduced here.\n\n` +
    sections.join("\n");
}

/**
 * A transformer for emitted JavaScript (ESM imports and CommonJS `require` calls alike) that
 * points every vendored specifier at `relative(file)`, the vendored module's path from `file`.
 */
export function rewriteVendoredImports(
  vendored: ReadonlySet<string>,
  relative: (sourceFile: string) => string,
): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const { factory } = context;
    return (file) => {
      const target = relative(file.fileName);
      const replace = (node: ts.Expression | undefined): ts.StringLiteral | undefined =>
        node !== undefined && ts.isStringLiteral(node) && vendored.has(node.text)
          ? factory.createStringLiteral(target)
          : undefined;
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isImportDeclaration(node)) {
          const specifier = replace(node.moduleSpecifier);
          if (specifier) {
            return factory.updateImportDeclaration(
              node,
              node.modifiers,
              node.importClause,
              specifier,
              node.attributes,
            );
          }
        } else if (
          ts.isCallExpression(node) && ts.isIdentifier(node.expression) &&
          ts.idText(node.expression) === "require" && node.arguments.length === 1
        ) {
          const specifier = replace(node.arguments[0]);
          if (specifier) {
            return factory.updateCallExpression(node, node.expression, undefined, [specifier]);
          }
        }
        return ts.visitEachChild(node, visit, context);
      };
      return ts.visitNode(file, visit) as ts.SourceFile;
    };
  };
}
