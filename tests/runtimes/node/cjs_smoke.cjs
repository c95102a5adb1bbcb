// Node, CommonJS: the packed package loaded with `require`, running the shared smoke story.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const sdk = require("@peaqos/peaq-os-sdk");

const PACKAGE = "@peaqos/peaq-os-sdk";
const packageJson = require(`${PACKAGE}/package.json`);
const specifier = (key) => (key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`);
const subpaths = {};
for (const key of Object.keys(packageJson.exports)) {
  if (key !== "./package.json") subpaths[key] = require(specifier(key));
}

test("require resolves every subpath to the CommonJS build", () => {
  for (const key of Object.keys(subpaths)) {
    assert.match(
      require.resolve(specifier(key)),
      /\/node_modules\/@peaqos\/peaq-os-sdk\/cjs\/.+\.js$/,
    );
  }
  assert.equal(subpaths["."], sdk);
});

test("the CommonJS build is CommonJS: its classes are not the ESM ones", async () => {
  const esm = await import(PACKAGE);
  assert.equal(typeof sdk.PeaqosClient, "function");
  assert.notEqual(sdk.PeaqosClient, esm.PeaqosClient);
  assert.equal(sdk.VERSION, esm.VERSION);
});

// The story is ESM (shared with Bun and workerd); tests registered once it has loaded still run.
const loaded = Promise.all([import("../story.mjs"), import("../eip191.mjs")]);
loaded.then(([{ smokeStory }, { createWallet }]) => {
  for (const step of smokeStory({ sdk, subpaths, packageJson, env: undefined, createWallet })) {
    test(step.name, step.run);
  }
});
