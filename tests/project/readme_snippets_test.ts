/**
 * Every TypeScript snippet of the READMEs compiles in a consumer project with the strictest
 * compiler options (`strict`, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, ...),
 * against the local packages: `@peaqos/peaq-os-sdk` is `./mod.ts`, `@peaqos/peaq-os-sdk/signer`
 * is `./signer/mod.ts` and `@peaqos/peaq-os-sandbox` is `./sandbox/mod.ts`. One test per snippet,
 * named by file and line.
 *
 * Conventions for README authors:
 * - Every ```` ```ts ```` (or ```` ```typescript ````) block is checked; `ignore` after the
 *   language is not honoured, since readers copy README code as it is. Show code that is not
 *   meant to compile (a shell session, a sketch) in a block of another language.
 * - A snippet may use names it does not define (a `client` built in an earlier snippet, an
 *   `orderId`) by declaring them in a hidden prelude, an HTML comment directly above the block,
 *   which GitHub, npm and JSR do not render:
 *
 *   ````md
 *   <!-- snippet-prelude
 *   import type { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *   declare const client: PeaqosClient;
 *   declare const orderId: string;
 *   -->
 *   ```ts
 *   const { item } = await client.orchestration.getMarketOrder(orderId);
 *   ```
 *   ````
 * - Relative imports (`./mod.ts`, `./sandbox/mod.ts`) are read from the repository root, where
 *   the READMEs' commands run; other bare names resolve through the root `deno.json`.
 * - Each snippet is its own module: top-level `await` works, and nothing leaks between snippets.
 *
 * @module
 */
import { assertEquals } from "@std/assert";

const ROOT = new URL("../../", import.meta.url);
const READMES = ["README.md", "sandbox/README.md", "worker/README.md"];
const PRELUDE_START = "<!-- snippet-prelude";
const PRELUDE_END = "-->";

/** The compiler options of the consumer project: the strict family and then some. */
const COMPILER_OPTIONS = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
};

type Snippet = {
  /** `README.md:88`: the README and the line of the opening fence. */
  readonly name: string;
  /** Line in the README of the snippet's first code line. */
  readonly firstLine: number;
  readonly prelude: readonly string[];
  readonly code: readonly string[];
  /** File name of the snippet in the consumer project. */
  readonly file: string;
};

/** Finds the TypeScript blocks of a README, with the prelude comment just above each. */
export function extractSnippets(readme: string, text: string): Snippet[] {
  const lines = text.split("\n");
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*(\S*)/.exec(lines[i]!);
    if (!fence) continue;
    const [, indent, marker, language] = fence as unknown as [string, string, string, string];
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(marker)) end++;
    if (["ts", "typescript"].includes(language.toLowerCase())) {
      const code = lines.slice(i + 1, end).map((line) =>
        line.startsWith(indent) ? line.slice(indent.length) : line
      );
      const name = `${readme}:${i + 1}`;
      snippets.push({
        name,
        firstLine: i + 2,
        prelude: preludeAbove(lines, i),
        code,
        file: `${name.replaceAll(/[^A-Za-z0-9]+/g, "_")}.ts`,
      });
    }
    i = end; // the block's lines are code, not fences
  }
  return snippets;
}

function preludeAbove(lines: readonly string[], fence: number): string[] {
  let end = fence - 1;
  while (end >= 0 && lines[end]!.trim() === "") end--;
  if (end < 0 || lines[end]!.trim() !== PRELUDE_END) return [];
  let start = end - 1;
  while (start >= 0 && !lines[start]!.trim().startsWith(PRELUDE_START)) {
    if (lines[start]!.includes(PRELUDE_END)) return []; // the end of some other comment
    start--;
  }
  return start < 0 ? [] : lines.slice(start + 1, end) as string[];
}

/** Points relative imports at the repository root. */
function rootRelative(line: string): string {
  return line.replaceAll(
    /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\2/g,
    (_match, head: string, quote: string, path: string) =>
      `${head}${quote}${new URL(path, ROOT).href}${quote}`,
  );
}

/** The consumer project's import map: the packages by name, then the repository's own map. */
async function consumerImports(): Promise<Record<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    imports: Record<string, string>;
  };
  const imports: Record<string, string> = {};
  for (const [name, target] of Object.entries(config.imports)) {
    imports[name] = target.startsWith(".") ? new URL(target, ROOT).href : target;
  }
  imports["@peaqos/peaq-os-sdk"] = new URL("mod.ts", ROOT).href;
  imports["@peaqos/peaq-os-sdk/signer"] = new URL("signer/mod.ts", ROOT).href;
  imports["@peaqos/peaq-os-sandbox"] = new URL("sandbox/mod.ts", ROOT).href;
  return imports;
}

type Diagnostic = { readonly text: string; readonly file: string | undefined };
type CheckResult = { readonly success: boolean; readonly diagnostics: readonly Diagnostic[] };

/** Type-checks every snippet in one `deno check` run (the package is checked once). */
async function checkAll(snippets: readonly Snippet[]): Promise<CheckResult> {
  const dir = await Deno.makeTempDir({ prefix: "readme_snippets_" });
  try {
    const config = {
      compilerOptions: COMPILER_OPTIONS,
      imports: await consumerImports(),
      lock: false,
    };
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(config, null, 2));
    for (const snippet of snippets) {
      const source = [...snippet.prelude, ...snippet.code].map(rootRelative).join("\n");
      // `export {}` makes a snippet without imports a module: top-level await, its own scope.
      await Deno.writeTextFile(`${dir}/${snippet.file}`, `${source}\nexport {};\n`);
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--config", `${dir}/deno.json`, ...snippets.map((s) => s.file)],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    return { success: output.success, diagnostics: parseDiagnostics(text, dir) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Splits `deno check` output into diagnostics, each with the snippet file it points at. */
function parseDiagnostics(text: string, dir: string): Diagnostic[] {
  const blocks = text.split(/\n(?=TS\d+ \[ERROR\]|error: )/).filter((block) =>
    /^(TS\d+ \[ERROR\]|error: )/.test(block.trimStart()) && !/^error: Type checking failed/.test(
      block.trimStart(),
    )
  );
  return blocks.map((block) => {
    const at = new RegExp(`file://${escape(dir)}/([^:\\s]+\\.ts)`).exec(block);
    return { text: block.trim(), file: at?.[1] };
  });
}

function escape(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Rewrites `file.ts:3:5` positions in a diagnostic as README lines. */
function inReadmeTerms(diagnostic: Diagnostic, snippet: Snippet): string {
  return diagnostic.text.replaceAll(
    new RegExp(`file://\\S*/${escape(snippet.file)}:(\\d+):(\\d+)`, "g"),
    (_match, line: string, column: string) => {
      const index = Number(line) - 1 - snippet.prelude.length;
      const where = index < 0
        ? `${snippet.name} (prelude line ${Number(line)})`
        : `${snippet.name.split(":")[0]}:${snippet.firstLine + index}:${column}`;
      return where;
    },
  );
}

const snippets: Snippet[] = [];
for (const readme of READMES) {
  snippets.push(...extractSnippets(readme, await Deno.readTextFile(new URL(readme, ROOT))));
}
let result: Promise<CheckResult> | undefined;

for (const snippet of snippets) {
  Deno.test(`${snippet.name} compiles in a strict consumer project`, async () => {
    const { diagnostics } = await (result ??= checkAll(snippets));
    const own = diagnostics.filter((d) => d.file === snippet.file);
    assertEquals(own.map((d) => inReadmeTerms(d, snippet)), []);
  });
}

Deno.test("README snippets: every diagnostic of the check belongs to a snippet", async () => {
  const { success, diagnostics } = await (result ??= checkAll(snippets));
  assertEquals(diagnostics.filter((d) => d.file === undefined).map((d) => d.text), []);
  assertEquals(success, diagnostics.length === 0);
});

Deno.test("extractSnippets() finds ts blocks, their preludes and their lines", () => {
  const readme = [
    "# Title", // 1
    "```sh", // 2
    "deno task sandbox", // 3
    "```", // 4
    "<!-- snippet-prelude", // 5
    "declare const client: unknown;", // 6
    "-->", // 7
    "", // 8
    "```ts", // 9
    "console.log(client);", // 10
    "```", // 11
    "<!-- a note -->", // 12
    "````ts ignore", // 13
    "const fence = '```';", // 14
    "````", // 15
    "  ```typescript", // 16
    "  const indented = 1;", // 17
    "  ```", // 18
  ].join("\n");
  const found = extractSnippets("X.md", readme);
  assertEquals(found.map((s) => [s.name, s.firstLine, s.prelude, s.code]), [
    ["X.md:9", 10, ["declare const client: unknown;"], ["console.log(client);"]],
    ["X.md:13", 14, [], ["const fence = '```';"]],
    ["X.md:16", 17, [], ["const indented = 1;"]],
  ]);
  assertEquals(found[0]!.file, "X_md_9.ts");
});
