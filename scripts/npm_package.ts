/**
 * The npm side of the build: parsing `npm:` specifiers, writing `package.json`, and checking
 * that its `exports` map matches the JSR one (as Hono's `validateExports` does).
 *
 * @module
 */

/** An `npm:` specifier split into what `package.json` and Node need. */
export type NpmSpecifier = {
  /** Package name, e.g. `@noble/curves`. */
  readonly name: string;
  /** Version or range as written, e.g. `2.4.0`. */
  readonly version: string;
  /** The specifier Node resolves, e.g. `@noble/curves/secp256k1.js`. */
  readonly nodeSpecifier: string;
};

/**
 * Parses `npm:name@version/sub`, `npm:/name@version/sub` and scoped forms; `undefined` when
 * there is no version, since the npm package must pin what deno.json pins.
 *
 * @example
 * ```ts
 * import { npmSpecifier } from "./npm_package.ts";
 *
 * const spec = npmSpecifier("npm:/@noble/curves@2.4.0/secp256k1.js");
 * console.assert(spec?.nodeSpecifier === "@noble/curves/secp256k1.js");
 * ```
 */
export function npmSpecifier(specifier: string): NpmSpecifier | undefined {
  const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)(\/.*)?$/.exec(specifier);
  if (!match) return undefined;
  const [, name, version, subpath] = match;
  return { name: name!, version: version!, nodeSpecifier: `${name}${subpath ?? ""}` };
}

/** One subpath's files in each format, as `./esm/...` paths. */
export type SubpathFiles = {
  readonly esm: string;
  readonly esmTypes: string;
  readonly cjs: string;
  readonly cjsTypes: string;
};

/** The conditional export of one subpath. */
export type ConditionalExport = {
  readonly import: { readonly types: string; readonly default: string };
  readonly require: { readonly types: string; readonly default: string };
  readonly default: string;
};

/** The `package.json` the build writes. */
export type PackageJson = {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license: string;
  readonly type: "module";
  readonly main: string;
  readonly module: string;
  readonly types: string;
  readonly exports: Readonly<Record<string, ConditionalExport | string>>;
  readonly typesVersions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  readonly files: readonly string[];
  readonly sideEffects: false;
  readonly engines: { readonly node: string };
  readonly dependencies?: Readonly<Record<string, string>>;
};

/** What `buildPackageJson` needs; the metadata comes straight from deno.json. */
export type PackageInput = {
  readonly name: string | undefined;
  readonly version: string | undefined;
  readonly description: string | undefined;
  readonly license: string | undefined;
  readonly exports: Readonly<Record<string, SubpathFiles>>;
  readonly dependencies: Readonly<Record<string, string>>;
};

function required(field: string, value: string | undefined): string {
  if (!value) throw new Error(`deno.json has no "${field}": the npm package needs it`);
  return value;
}

/**
 * Builds `package.json`: ESM for `import`, CommonJS for `require`, each with its own
 * declarations so TypeScript sees the right module format; `typesVersions` lets
 * `moduleResolution: "node10"` find subpath types too.
 *
 * @example
 * ```ts ignore
 * const pkg = buildPackageJson({ name: "@x/y", version: "1.0.0", ... });
 * ```
 */
export function buildPackageJson(input: PackageInput): PackageJson {
  const root = input.exports["."];
  if (!root) throw new Error(`deno.json "exports" has no "." entry`);
  const exportsMap: Record<string, ConditionalExport | string> = {};
  const subpathTypes: Record<string, string[]> = {};
  for (const [key, files] of Object.entries(input.exports)) {
    exportsMap[key] = {
      import: { types: files.esmTypes, default: files.esm },
      require: { types: files.cjsTypes, default: files.cjs },
      default: files.esm,
    };
    if (key !== ".") subpathTypes[key.replace(/^\.\//, "")] = [files.cjsTypes];
  }
  exportsMap["./package.json"] = "./package.json";
  const hasDependencies = Object.keys(input.dependencies).length > 0;
  return {
    name: required("name", input.name),
    version: required("version", input.version),
    description: required("description", input.description),
    license: required("license", input.license),
    type: "module",
    main: root.cjs,
    module: root.esm,
    types: root.cjsTypes,
    exports: exportsMap,
    ...(Object.keys(subpathTypes).length > 0 ? { typesVersions: { "*": subpathTypes } } : {}),
    files: ["esm/", "cjs/", "README.md", "LICENSE"],
    sideEffects: false,
    engines: { node: ">=20" },
    ...(hasDependencies ? { dependencies: { ...input.dependencies } } : {}),
  };
}

/**
 * Checks that the npm `exports` map offers exactly the JSR package's subpaths, each pointing
 * at the emitted form of the same module; returns the problems found (none when they match).
 *
 * @example
 * ```ts
 * import { validateExports } from "./npm_package.ts";
 *
 * const problems = validateExports({ ".": "./mod.ts" }, { ".": "./esm/mod.js" });
 * console.assert(problems.length === 1); // "." is not a conditional export
 * ```
 */
export function validateExports(
  jsrExports: Readonly<Record<string, string>>,
  npmExports: Readonly<Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  const npmKeys = Object.keys(npmExports).filter((key) => key !== "./package.json");
  for (const key of Object.keys(jsrExports)) {
    if (!npmKeys.includes(key)) {
      problems.push(`JSR export '${key}' is missing from the npm exports`);
    }
  }
  for (const key of npmKeys) {
    const source = jsrExports[key];
    if (source === undefined) {
      problems.push(`npm export '${key}' is not a JSR export`);
      continue;
    }
    const target = npmExports[key] as Partial<ConditionalExport> | string | undefined;
    if (typeof target !== "object" || !target.import || !target.require) {
      problems.push(`npm export '${key}' is not an import/require conditional export`);
      continue;
    }
    const stem = source.replace(/^\.\//, "").replace(/\.(m|c)?tsx?$/, "");
    const expected = [
      [target.import.default, `./esm/${stem}.js`],
      [target.import.types, `./esm/${stem}.d.ts`],
      [target.require.default, `./cjs/${stem}.js`],
      [target.require.types, `./cjs/${stem}.d.ts`],
      [target.default, `./esm/${stem}.js`],
    ];
    for (const [actual, wanted] of expected) {
      if (actual !== wanted) {
        problems.push(`npm export '${key}' points at '${actual}': expected '${wanted}'`);
      }
    }
  }
  return problems;
}
