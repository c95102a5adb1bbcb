// Node, CommonJS: the packed package loaded with `require`, running the shared smoke story.
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
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

// Node 20.0-20.18 cannot require() ES modules; --no-experimental-require-module turns that
// ability off on this Node, so the core's CommonJS build is proven not to depend on it.
function requireWithoutEsm(code) {
  return execFileSync(process.execPath, ["--no-experimental-require-module", "-e", code], {
    cwd: __dirname,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

test("require() of the core works without require(esm), as on Node 20.0", () => {
  const out = requireWithoutEsm(
    `const sdk = require("${PACKAGE}");
     const client = new sdk.PeaqosClient({ orchestrationUrl: "http://127.0.0.1:1" });
     process.stdout.write(JSON.stringify([sdk.VERSION, typeof client.orchestration.listMachines]));`,
  );
  assert.deepEqual(JSON.parse(out), [sdk.VERSION, "function"]);
});

test("require() of ./signer works without require(esm), as on Node 20.0: @noble is bundled", () => {
  const out = requireWithoutEsm(
    `const { privateKeySigner } = require("${PACKAGE}/signer");
     const signer = privateKeySigner("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
     signer.signMessage("peaq challenge").then((signature) =>
       process.stdout.write(JSON.stringify([signer.address, signature])));`,
  );
  const [address, signature] = JSON.parse(out);
  assert.equal(address, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
  assert.match(signature, /^0x[0-9a-f]{128}(1b|1c)$/);
});

// The story is ESM (shared with Bun and workerd); tests registered once it has loaded still run.
const loaded = Promise.all([import("../story.mjs"), import("../eip191.mjs")]);
loaded.then(([{ smokeStory }, { createWallet }]) => {
  for (const step of smokeStory({ sdk, subpaths, packageJson, env: undefined, createWallet })) {
    test(step.name, step.run);
  }
});
