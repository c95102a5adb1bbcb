/**
 * The SDK's version has one source of truth: `deno.json`. `VERSION` (sent in the user agent)
 * must match it.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { VERSION } from "../../mod.ts";

Deno.test("VERSION equals deno.json's version", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { version: string; name: string };
  assertEquals(VERSION, config.version);
  assertEquals(config.name, "@peaqos/peaq-os-sdk");
  assertMatch(VERSION, /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
});
