/**
 * The import map stays light: `deno task demo` on an empty machine fetches only what the demo,
 * the sandbox and the SDK import (see tests/deps/README.md).
 */
import { assert, assertEquals } from "@std/assert";

type DenoJson = { imports: Record<string, string>; lock?: unknown };

const config = JSON.parse(
  await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
) as DenoJson;

// What the SDK, the signer subpath, the contract, the sandbox, the Worker source and the demo run.
const LIGHT = new Set([
  "hono",
  "zod",
  "@noble/curves",
  "@noble/hashes",
  "ipaddr.js",
]);

function packageOf(specifier: string): string {
  const name = specifier.replace(/^npm:\/?/, "");
  const parts = name.split("/");
  const scoped = name.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  return scoped.replace(/@[^@/]+$/, "");
}

Deno.test("deno.json maps only light npm packages directly; test dependencies sit behind tests/deps", () => {
  const direct = Object.values(config.imports).filter((target) => target.startsWith("npm:"));
  const heavy = direct.map(packageOf).filter((name) => !LIGHT.has(name));
  assertEquals(heavy, []);
  for (const [name, target] of Object.entries(config.imports)) {
    if (!target.startsWith("./tests/deps/")) continue;
    assert(!name.startsWith("hono"), `light package '${name}' behind tests/deps`);
  }
});

Deno.test("deno.json keeps no lockfile of its own (the tasks pass --lock=deno.lock)", async () => {
  assertEquals(config.lock, false);
  const lock = JSON.parse(await Deno.readTextFile(new URL("../../deno.lock", import.meta.url)));
  assert(Object.keys(lock.specifiers ?? {}).some((s) => s.startsWith("npm:viem@")));
});

Deno.test("every tests/deps module re-exports one pinned npm package", async () => {
  for await (const entry of Deno.readDir(new URL("../deps/", import.meta.url))) {
    if (!entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(`../deps/${entry.name}`, import.meta.url));
    const specifiers = new Set([...text.matchAll(/from "(npm:[^"]+)"/g)].map((m) => m[1]));
    assertEquals(specifiers.size, 1, entry.name);
    assert([...specifiers][0]!.match(/^npm:(@[^/@]+\/)?[^/@]+@\d+\.\d+\.\d+/), entry.name);
  }
});
