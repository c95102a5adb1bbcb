/**
 * The JSR package's command, `deno run -A jsr:@peaqos/peaq-os-sandbox/cli [flags]`: the same
 * flags and behaviour as `deno task sandbox` and the npm package's `peaqos-sandbox` (`cli.ts`).
 *
 * @module
 */
import { runSandboxCli } from "./cli.ts";

await runSandboxCli(Deno.args, "deno run -A jsr:@peaqos/peaq-os-sandbox/cli");
