/**
 * `deno task sandbox [flags]`: serves a sandbox until Ctrl-C and prints its URL and API key.
 * `--help` lists the flags; an unknown flag, a stray argument or a bad value is a one-line
 * error with exit code 2, and a port already in use a one-line error with exit code 1. The
 * parser and the server loop are `cli.ts`, shared with the npm package's `peaqos-sandbox`.
 *
 * @module
 */
import { runSandboxCli } from "./cli.ts";

await runSandboxCli(Deno.args, "deno task sandbox");
