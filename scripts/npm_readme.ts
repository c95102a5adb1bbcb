/**
 * The README the npm registry shows: `README.md` with what only makes sense in a checkout of
 * the repository left out and every relative link made absolute under the repository URL
 * (the registry page has no files to link to). {@linkcode registryReadme} does the same for
 * any README of the repository, e.g. `sandbox/README.md` for the sandbox's JSR package.
 *
 * Two HTML comments, invisible on GitHub and JSR, steer it:
 *
 * - `<!-- npm:skip-start -->` … `<!-- npm:skip-end -->`: dropped from the npm copy (each on a
 *   line of its own; pairs must match and cannot nest).
 * - nothing else: links are rewritten by rule, and the npm install line must come before any
 *   Deno/JSR one, which {@linkcode npmReadme} checks rather than reorders.
 *
 * @module
 */

const SKIP_START = "<!-- npm:skip-start -->";
const SKIP_END = "<!-- npm:skip-end -->";

/** Why a README cannot go to npm as it is. */
export class ReadmeError extends Error {}

/**
 * Turns a link target into what works on the registry page: absolute URLs, `mailto:` and
 * `#anchors` stay; a repository path becomes `<repository>/blob/main/<path>` (`tree/` for a
 * directory, `raw/` for an image). `dir` is the folder of the README holding the link
 * (`"sandbox/"`; default the repository's root): the target is relative to it.
 *
 * @example
 * ```ts
 * import { absoluteLink } from "./npm_readme.ts";
 *
 * const url = absoluteLink("sandbox/README.md", "https://github.com/o/r", false);
 * console.assert(url === "https://github.com/o/r/blob/main/sandbox/README.md");
 * ```
 */
export function absoluteLink(
  target: string,
  repository: string,
  image: boolean,
  dir = "",
): string {
  if (target.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) {
    return target;
  }
  // A target starting with "/" is relative to the repository's root, not to `dir`.
  const rooted = target.startsWith("/");
  const path = target.replace(/^\.\//, "").replace(/^\/+/, "");
  const kind = image ? "raw" : /\/(?:[#?].*)?$/.test(path) || path === "" ? "tree" : "blob";
  const base = `${repository.replace(/\/+$/, "")}/${kind}/main/`;
  const folder = rooted ? "" : dir.replace(/^\/+/, "").replace(/([^/])$/, "$1/");
  const resolved = new URL(path, new URL(folder, base)).href;
  if (!resolved.startsWith(base)) {
    throw new ReadmeError(`README link '${target}' points outside the repository`);
  }
  return resolved;
}

/** Inline links and images `[text](target "title")`; the text may hold `code` but no `]`. */
const INLINE_LINK = /(!?)\[([^\]]*)\]\(\s*(<[^>]*>|[^)\s]+)(\s+"[^"]*")?\s*\)/g;
/** Reference definitions `[id]: target "title"` on a line of their own. */
const REFERENCE = /^( {0,3}\[[^\]]+\]:\s*)(<[^>]*>|\S+)(.*)$/;

function rewriteLine(line: string, repository: string, dir: string): string {
  const reference = REFERENCE.exec(line);
  if (reference) {
    const [, head, target, rest] = reference;
    return `${head}${absoluteLink(unbracket(target!), repository, false, dir)}${rest}`;
  }
  return line.replace(
    INLINE_LINK,
    (_all, bang: string, text: string, target: string, title) =>
      `${bang}[${text}](${absoluteLink(unbracket(target), repository, bang === "!", dir)}${
        title ?? ""
      })`,
  );
}

function unbracket(target: string): string {
  return target.startsWith("<") && target.endsWith(">") ? target.slice(1, -1) : target;
}

/**
 * A README for a registry page: drops the `npm:skip` blocks and makes relative links absolute
 * (code blocks are left as they are). `dir` is the README's folder in the repository
 * (`"sandbox/"`; default the root), which its relative links start from.
 *
 * @example
 * ```ts
 * import { registryReadme } from "./npm_readme.ts";
 *
 * const out = registryReadme("See [the Worker](../worker/README.md)\n", "https://github.com/o/r", "sandbox/");
 * console.assert(out === "See [the Worker](https://github.com/o/r/blob/main/worker/README.md)\n");
 * ```
 *
 * @throws {ReadmeError} On unbalanced markers or a link leaving the repository.
 */
export function registryReadme(markdown: string, repository: string, dir = ""): string {
  const out: string[] = [];
  let fence: string | undefined;
  let skippingFrom: number | undefined;
  let dropBlank = false;
  const lines = markdown.split("\n");
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (fence === undefined && (trimmed === SKIP_START || trimmed === SKIP_END)) {
      const starting = trimmed === SKIP_START;
      if (starting === (skippingFrom !== undefined)) {
        throw new ReadmeError(`README line ${index + 1}: unbalanced '${trimmed}'`);
      }
      skippingFrom = starting ? index + 1 : undefined;
      dropBlank = !starting && out.at(-1)?.trim() === "";
      return;
    }
    if (skippingFrom !== undefined) return;
    // A skipped block between blank lines leaves one blank line, not two.
    if (dropBlank) {
      dropBlank = false;
      if (trimmed === "") return;
    }
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1];
      else if (fenceMatch[1]!.startsWith(fence) && trimmed === fenceMatch[1]) fence = undefined;
      out.push(line);
      return;
    }
    out.push(fence === undefined ? rewriteLine(line, repository, dir) : line);
  });
  if (skippingFrom !== undefined) {
    throw new ReadmeError(`README line ${skippingFrom}: '${SKIP_START}' has no '${SKIP_END}'`);
  }
  return out.join("\n");
}

/**
 * Builds the npm README from the repository's: {@linkcode registryReadme}, then checks that
 * `npm install` is the first install command a reader meets.
 *
 * @example
 * ```ts
 * import { npmReadme } from "./npm_readme.ts";
 *
 * const out = npmReadme(
 *   "Install: `npm install x`\n<!-- npm:skip-start -->\nDev only\n<!-- npm:skip-end -->\nSee [docs](docs/a.md)\n",
 *   "https://github.com/o/r",
 * );
 * console.assert(out === "Install: `npm install x`\nSee [docs](https://github.com/o/r/blob/main/docs/a.md)\n");
 * ```
 *
 * @throws {ReadmeError} On unbalanced markers, a link leaving the repository, or a Deno/JSR
 * install line before the npm one.
 */
export function npmReadme(markdown: string, repository: string): string {
  const text = registryReadme(markdown, repository);
  const npm = text.search(/\bnpm install\b/);
  const deno = text.search(/\bdeno add\b|\bjsr:/);
  if (npm === -1) throw new ReadmeError("The npm README has no 'npm install' line");
  if (deno !== -1 && deno < npm) {
    throw new ReadmeError(
      "The npm README mentions 'deno add' or 'jsr:' before 'npm install': put the npm install " +
        "line first, or wrap the Deno one in npm:skip markers",
    );
  }
  return text;
}
