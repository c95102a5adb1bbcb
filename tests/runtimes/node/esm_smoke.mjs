// Node, ESM: the packed package loaded with `import`, running the shared smoke story.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { inspect } from "node:util";
import * as sdk from "@peaqos/peaq-os-sdk";
import { createWallet } from "../eip191.mjs";
import { smokeStory } from "../story.mjs";

const PACKAGE = "@peaqos/peaq-os-sdk";
const packageJson = createRequire(import.meta.url)(`${PACKAGE}/package.json`);
const subpaths = {};
for (const key of Object.keys(packageJson.exports)) {
  if (key === "./package.json") continue;
  subpaths[key] = await import(key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`);
}

test("import resolves every subpath to the ESM build", () => {
  for (const key of Object.keys(subpaths)) {
    const resolved = import.meta.resolve(key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`);
    assert.match(resolved, /\/node_modules\/@peaqos\/peaq-os-sdk\/esm\/.+\.js$/);
  }
  assert.equal(subpaths["."], sdk);
});

test("util.inspect() of a client shows [REDACTED] for the apiKey", () => {
  const client = new sdk.PeaqosClient({
    orchestrationUrl: "http://127.0.0.1:1",
    apiKey: "sk_inspect_me",
  });
  const shown = inspect(client);
  assert.ok(shown.includes("[REDACTED]"), shown);
  assert.ok(!shown.includes("sk_inspect_me"), shown);
});

for (const step of smokeStory({ sdk, subpaths, packageJson, env: undefined, createWallet })) {
  test(step.name, step.run);
}
