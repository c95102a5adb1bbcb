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

/** The `package.json` the build writes; it never has `dependencies`. */
export type PackageJson = {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license: string;
  readonly keywords: readonly string[];
  readonly homepage: string;
  readonly bugs: { readonly url: string };
  readonly repository: { readonly type: "git"; readonly url: string };
  readonly type: "module";
  readonly main: string;
  readonly module: string;
  readonly types: string;
  readonly exports: Readonly<Record<string, ConditionalExport | string>>;
  readonly typesVersions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  readonly files: readonly string[];
  readonly sideEffects: false;
  readonly engines: { readonly node: string };
  readonly publishConfig: { readonly access: "public" };
};

/**
 * What only the npm package needs, from `scripts/npm_metadata.json`. `repository` is the
 * GitHub URL README links are made absolute against (`<repository>/blob/main/<path>`).
 */
export type NpmMetadata = {
  readonly repository: string;
  readonly homepage: string;
  readonly bugs: string;
  readonly keywords: readonly string[];
};

/** What `buildPackageJson` needs: name, version, description, license from deno.json. */
export type PackageInput = {
  readonly name: string | undefined;
  readonly version: string | undefined;
  readonly description: string | undefined;
  readonly license: string | undefined;
  readonly metadata: NpmMetadata;
  readonly exports: Readonly<Record<string, SubpathFiles>>;
  /** Files shipped besides esm/, cjs/, README.md and LICENSE (e.g. third-party notices). */
  readonly extraFiles?: readonly string[];
};

/**
 * Checks `scripts/npm_metadata.json`: `repository` a `https://github.com/<owner>/<repo>` URL,
 * `homepage` and `bugs` https URLs, `keywords` lowercase words; unknown keys other than
 * `$comment` are refused so a typo cannot silently drop a field.
 *
 * @example
 * ```ts
 * import { parseNpmMetadata } from "./npm_package.ts";
 *
 * const metadata = parseNpmMetadata({
 *   repository: "https://github.com/o/r",
 *   homepage: "https://example.com",
 *   bugs: "https://github.com/o/r/issues",
 *   keywords: ["sdk"],
 * });
 * console.assert(metadata.repository === "https://github.com/o/r");
 * ```
 */
export function parseNpmMetadata(value: unknown): NpmMetadata {
  const fail = (why: string): never => {
    throw new Error(`scripts/npm_metadata.json: ${why}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("expected an object");
  }
  const record = value as Record<string, unknown>;
  const known = ["$comment", "repository", "homepage", "bugs", "keywords"];
  const unknown = Object.keys(record).filter((key) => !known.includes(key));
  if (unknown.length > 0) fail(`unknown key(s) '${unknown.join("', '")}'`);
  const url = (key: string, pattern: RegExp, shape: string): string => {
    const text = record[key];
    if (typeof text !== "string" || !pattern.test(text)) {
      fail(`'${key}' must be ${shape}: got ${JSON.stringify(text)}`);
    }
    return text as string;
  };
  const repository = url(
    "repository",
    /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/,
    "'https://github.com/<owner>/<repo>' (no trailing slash or .git)",
  );
  if (repository.endsWith(".git")) {
    fail(`'repository' must not end with '.git': got "${repository}"`);
  }
  const homepage = url("homepage", /^https:\/\/\S+$/, "an https URL");
  const bugs = url("bugs", /^https:\/\/\S+$/, "an https URL");
  const keywords = record.keywords;
  if (
    !Array.isArray(keywords) || keywords.length === 0 ||
    !keywords.every((k) => typeof k === "string" && /^[a-z0-9][a-z0-9.-]*$/.test(k))
  ) {
    fail(`'keywords' must be a non-empty list of lowercase words: got ${JSON.stringify(keywords)}`);
  }
  return { repository, homepage, bugs, keywords: [...keywords as string[]] };
}

/**
 * Checks that the module defining `VERSION` (`src/version.ts`) carries deno.json's version;
 * returns the problem, or `undefined` when they agree.
 *
 * @example
 * ```ts
 * import { checkVersionSource } from "./npm_package.ts";
 *
 * console.assert(checkVersionSource("1.2.3", 'export const VERSION = "1.2.3";') === undefined);
 * console.assert(checkVersionSource("1.2.4", 'export const VERSION = "1.2.3";') !== undefined);
 * ```
 */
export function checkVersionSource(
  denoJsonVersion: string | undefined,
  source: string,
): string | undefined {
  const found = [...source.matchAll(/^export const VERSION = "([^"]*)";$/gm)];
  if (found.length !== 1) {
    return `expected exactly one line 'export const VERSION = "<version>";', found ${found.length}`;
  }
  const version = found[0]![1];
  if (version !== denoJsonVersion) {
    return `VERSION is '${version}' but deno.json's "version" is '${denoJsonVersion}': ` +
      `deno.json is the source, set VERSION to match`;
  }
  return undefined;
}

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
 * const pkg = buildPackageJson({ name: "@x/y", version: "1.0.0", metadata, exports, ... });
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
  const { metadata } = input;
  return {
    name: required("name", input.name),
    version: required("version", input.version),
    description: required("description", input.description),
    license: required("license", input.license),
    keywords: [...metadata.keywords],
    homepage: metadata.homepage,
    bugs: { url: metadata.bugs },
    repository: { type: "git", url: `git+${metadata.repository}.git` },
    type: "module",
    main: root.cjs,
    module: root.esm,
    types: root.cjsTypes,
    exports: exportsMap,
    ...(Object.keys(subpathTypes).length > 0 ? { typesVersions: { "*": subpathTypes } } : {}),
    files: ["esm/", "cjs/", "README.md", "LICENSE", ...input.extraFiles ?? []],
    sideEffects: false,
    engines: { node: ">=20" },
    publishConfig: { access: "public" },
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
