/**
 * The npm packages the cross-runtime suite installs into its temporary project, pinned in one
 * place. Everything comes from the npm registry: Bun from the `bun` package, workerd from
 * miniflare's `workerd` dependency.
 *
 * @module
 */
import { npmSpecifier } from "./npm_package.ts";

/** Tool packages (name → exact version) for the temporary consumer project. */
export const RUNTIME_TOOLS: Readonly<Record<string, string>> = {
  typescript: "5.9.3",
  publint: "0.3.25",
  "@arethetypeswrong/cli": "0.18.5",
  bun: "1.4.4",
  esbuild: "0.28.2",
  miniflare: "4.20260426.0",
};

/**
 * The dev dependencies of the temporary project: the tools above plus `@noble/curves` and
 * `@noble/hashes` at the versions deno.json pins (the tests' independent EIP-191 signer).
 *
 * @example
 * ```ts ignore
 * const devDependencies = runtimeDevDependencies(JSON.parse(Deno.readTextFileSync("deno.json")).imports);
 * ```
 */
export function runtimeDevDependencies(
  imports: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...RUNTIME_TOOLS };
  for (const name of ["@noble/curves", "@noble/hashes"]) {
    const mapped = imports[`${name}/`] ?? imports[name];
    const spec = mapped ? npmSpecifier(mapped) : undefined;
    if (!spec) throw new Error(`deno.json "imports" does not pin '${name}' as an npm: specifier`);
    out[name] = spec.version;
  }
  return out;
}
