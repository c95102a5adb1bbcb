// The Worker's bindings are written down three times: `wrangler.jsonc` (bindings and vars),
// `.dev.vars.example` (secrets and local overrides) and `worker/src/env.ts` (what the code
// type-checks against on Deno). `worker-configuration.d.ts` is `wrangler types`' view of the
// first; these tests keep all of them naming the same things. `scripts/test_worker_build.ts`
// also runs `wrangler types --check` itself.
import { assertEquals } from "@std/assert";

const WORKER = new URL("../../worker/", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, WORKER));

/** `wrangler.jsonc` as JSON: comments and trailing commas removed (none sit inside strings). */
async function wranglerConfig(): Promise<Record<string, unknown>> {
  const text = (await read("wrangler.jsonc"))
    .replace(/^\s*\/\/.*$/gm, "")
    .replace(/,(\s*[}\]])/g, "$1");
  return JSON.parse(text);
}

/** The property names of `interface Env` in the generated file. */
async function generatedEnv(): Promise<string[]> {
  const text = await read("worker-configuration.d.ts");
  const body = /interface Env \{\n([\s\S]*?)\n\t\}/.exec(text)?.[1] ?? "";
  return [...body.matchAll(/^\t\t(\w+):/gm)].map((match) => match[1]!).sort();
}

Deno.test("worker-configuration.d.ts names exactly the bindings and vars of wrangler.jsonc", async () => {
  const config = await wranglerConfig() as {
    durable_objects: { bindings: { name: string }[] };
    queues: { producers: { binding: string }[] };
    vars: Record<string, string>;
  };
  const expected = [
    ...config.durable_objects.bindings.map((binding) => binding.name),
    ...config.queues.producers.map((producer) => producer.binding),
    ...Object.keys(config.vars),
  ].sort();
  assertEquals(await generatedEnv(), expected);
  const header = (await read("worker-configuration.d.ts")).split("\n")[1] ?? "";
  assertEquals(
    /`(wrangler types[^`]*)`/.exec(header)?.[1],
    "wrangler types --include-runtime=false --strict-vars=false",
    "regenerate with: cd worker && npx wrangler types --include-runtime=false --strict-vars=false",
  );
});

Deno.test("env.ts's Env names every generated binding and var and every secret of .dev.vars.example", async () => {
  const envSource = await read("src/env.ts");
  const block = /export type Env = \{\n([\s\S]*?)\n\};/.exec(envSource)?.[1] ?? "";
  const declared = [...block.matchAll(/^\s+readonly (\w+)\??:/gm)].map((m) => m[1]!).sort();
  const example = [...(await read(".dev.vars.example")).matchAll(/^([A-Z][A-Z0-9_]*)=/gm)]
    .map((m) => m[1]!);
  assertEquals(declared, [...new Set([...await generatedEnv(), ...example])].sort());
});
