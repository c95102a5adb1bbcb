/**
 * The npm package's `peaqos-sandbox` command (Node >= 20, Bun, Deno): the same flags and
 * behaviour as `deno task sandbox` (`cli.ts`).
 *
 * @module
 */
import process from "node:process";
import { runSandboxCli } from "./cli.ts";

await runSandboxCli(process.argv.slice(2), "peaqos-sandbox");
