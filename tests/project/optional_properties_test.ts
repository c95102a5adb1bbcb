/**
 * Every optional property a consumer can reach through the public entry points (`mod.ts`,
 * `signer/mod.ts`) accepts an explicit `undefined` (`?: T | undefined`). Under
 * `exactOptionalPropertyTypes`, `?: T` refuses `{ cursor }` when `cursor` is `string | undefined`,
 * which is how callers hold values they may not have (a page's `nextCursor`, an option read from
 * the environment).
 *
 * The walk uses the TypeScript compiler API: it starts at the entry points' exports and follows
 * every type reference into the package's own files, so a type that is not exported itself but
 * shapes a public one is checked too. Function bodies, initializers and private class members are
 * not part of the public surface and are skipped; optional methods (`sign?(...)`) cannot carry
 * `| undefined` and are out of scope.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import ts from "../deps/typescript.ts";

const ROOT = new URL("../../", import.meta.url);

/**
 * Declarations whose optional properties stay `?: T` on purpose, with the reason.
 */
const EXEMPT: Readonly<Record<string, string>> = {
  // See the comment on the type in src/signer.ts: with `| undefined`, ethers' `Wallet` (domain
  // fields `?: T | null`) and viem's accounts no longer fit `Signer`.
  TypedDataDomain: "ethers Wallets and viem accounts must still fit Signer",
};

type Finding = { readonly where: string; readonly property: string; readonly type: string };
type Walk = { readonly findings: readonly Finding[]; readonly checked: readonly string[] };

/** Walks the public surface of `entryPoints` and reports optional properties without undefined. */
function walkPublicSurface(root: URL, entryPoints: readonly string[]): Walk {
  const rootPath = decodeURIComponent(root.pathname);
  const program = ts.createProgram(
    entryPoints.map((entry) => decodeURIComponent(new URL(entry, root).pathname)),
    {
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
    },
  );
  const checker = program.getTypeChecker();
  const own = (node: ts.Node) => {
    const file = node.getSourceFile().fileName;
    return file.startsWith(rootPath) && !file.includes("/node_modules/");
  };
  const findings: Finding[] = [];
  const checked: string[] = [];
  const queue: { readonly node: ts.Node; readonly owner: string }[] = [];
  const seen = new Set<ts.Node>();

  const enqueue = (symbol: ts.Symbol | undefined) => {
    if (symbol === undefined) return;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    for (const declaration of target.declarations ?? []) {
      if (seen.has(declaration) || !own(declaration)) continue;
      if (ts.isTypeParameterDeclaration(declaration) || ts.isSourceFile(declaration)) continue;
      seen.add(declaration);
      queue.push({ node: declaration, owner: target.getName() });
    }
  };

  const acceptsUndefined = (typeNode: ts.TypeNode) => {
    const type = checker.getTypeFromTypeNode(typeNode);
    const undefinedLike = ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Any |
      ts.TypeFlags.Unknown;
    return (type.isUnion() ? type.types : [type]).some((part) => part.flags & undefinedLike);
  };

  const check = (node: ts.Node, typeNode: ts.TypeNode | undefined, owner: string, name: string) => {
    const property = `${owner}.${name}`;
    if (Object.hasOwn(EXEMPT, owner)) return;
    checked.push(property);
    if (typeNode !== undefined && acceptsUndefined(typeNode)) return;
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    findings.push({
      where: `${file.fileName.slice(rootPath.length)}:${line + 1}`,
      property,
      type: typeNode?.getText() ?? "(no annotation)",
    });
  };

  const isPrivate = (node: ts.Node) =>
    ((ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) ||
      ts.isGetAccessorDeclaration(node)) && ts.isPrivateIdentifier(node.name)) ||
    (ts.canHaveModifiers(node) &&
      (ts.getModifiers(node) ?? []).some((m) =>
        m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword
      ));

  const visit = (node: ts.Node, owner: string): void => {
    if (isPrivate(node)) return;
    if ((ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) && node.questionToken) {
      check(node, node.type, owner, node.name.getText());
    } else if (
      ts.isMappedTypeNode(node) && node.questionToken !== undefined &&
      node.questionToken.kind !== ts.SyntaxKind.MinusToken
    ) {
      check(node, node.type, owner, `[${node.typeParameter.name.getText()} in …]`);
    }
    if (ts.isTypeReferenceNode(node)) enqueue(checker.getSymbolAtLocation(node.typeName));
    if (ts.isExpressionWithTypeArguments(node)) {
      enqueue(checker.getSymbolAtLocation(node.expression));
    }
    if (ts.isTypeQueryNode(node)) enqueue(checker.getSymbolAtLocation(node.exprName));
    if (ts.isImportTypeNode(node) && node.qualifier) {
      enqueue(checker.getSymbolAtLocation(node.qualifier));
    }
    // What a function does and what a variable starts as are not part of the public types.
    const skipped = ts.isFunctionLike(node) && "body" in node
      ? node.body
      : ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)
      ? node.initializer
      : undefined;
    ts.forEachChild(node, (child) => {
      if (child !== skipped) visit(child, owner);
    });
  };

  for (const entry of entryPoints) {
    const file = program.getSourceFile(decodeURIComponent(new URL(entry, root).pathname));
    assert(file, `entry point '${entry}' not found`);
    const module = checker.getSymbolAtLocation(file);
    assert(module, `entry point '${entry}' is not a module`);
    for (const exported of checker.getExportsOfModule(module)) enqueue(exported);
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    visit(next.node, next.owner);
  }
  return { findings, checked };
}

Deno.test("public types: every optional property accepts an explicit undefined", () => {
  const { findings, checked } = walkPublicSurface(ROOT, ["mod.ts", "signer/mod.ts"]);
  // The walk reached the surface: well-known properties of several modules were checked.
  for (
    const property of ["ListQuery.cursor", "VerifyWebhookOptions.now", "MarketSearchRequest.budget"]
  ) {
    assert(checked.includes(property), `'${property}' was not reached`);
  }
  assertEquals(
    findings.map((f) => `${f.where} ${f.property}?: ${f.type}`),
    [],
    "add '| undefined' to these optional properties",
  );
});

Deno.test("walkPublicSurface() finds optional properties without undefined wherever a public type reaches", async () => {
  const dir = await Deno.makeTempDir({ prefix: "optional_properties_" });
  try {
    await Deno.writeTextFile(
      `${dir}/hidden.ts`,
      `export type Hidden = { readonly deep?: number };\n` +
        `export type Unreached = { readonly never?: number };\n`,
    );
    await Deno.writeTextFile(
      `${dir}/mod.ts`,
      [
        `import type { Hidden } from "./hidden.ts";`,
        `type Inner = { readonly viaReference?: string; readonly fine?: string | undefined };`,
        `export type Outer = {`,
        `  readonly top?: string;`,
        `  readonly nested: { readonly inLiteral?: boolean };`,
        `  readonly inner: Inner;`,
        `  readonly anything?: unknown;`,
        `};`,
        `export type Mapped = { readonly [K in "a" | "b"]?: number };`,
        `export type TypedDataDomain = { readonly name?: string };`,
        `export function f(options: { readonly param?: Hidden }): void {`,
        `  const local: { notPublic?: string } = {};`,
        `  void local;`,
        `  void options;`,
        `}`,
        `export class C {`,
        `  field?: string;`,
        `  #secret?: string;`,
        `  private internal?: string;`,
        `}`,
      ].join("\n"),
    );
    const { findings, checked } = walkPublicSurface(new URL(`file://${dir}/`), ["mod.ts"]);
    assertEquals(findings.map((f) => f.property).sort(), [
      "C.field",
      "Hidden.deep",
      "Inner.viaReference",
      "Mapped.[K in …]",
      "Outer.inLiteral",
      "Outer.top",
      "f.param",
    ]);
    assert(checked.includes("Inner.fine") && checked.includes("Outer.anything"));
    assert(!checked.some((p) => p.includes("TypedDataDomain") || p.includes("never")));
    assertEquals(findings.find((f) => f.property === "Outer.top")?.where, "mod.ts:4");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
