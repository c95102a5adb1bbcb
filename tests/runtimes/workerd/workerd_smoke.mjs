// workerd: bundles the packed package into a Worker script with esbuild (workerd conditions),
// runs it in miniflare's workerd against the sandbox, and reports one test per story step.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const PACKAGE = "@peaqos/peaq-os-sdk";
const here = fileURLToPath(new URL(".", import.meta.url));
const packageJson = createRequire(import.meta.url)(`${PACKAGE}/package.json`);
const keys = Object.keys(packageJson.exports).filter((key) => key !== "./package.json");

// The entry imports every subpath, so the bundle proves each one builds for workerd.
const entry = [
  `import { storyWorker } from "./worker.mjs";`,
  `import packageJson from "${PACKAGE}/package.json";`,
  ...keys.map((key, i) =>
    `import * as m${i} from "${key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`}";`
  ),
  `export default storyWorker({ ${
    keys.map((key, i) => `${JSON.stringify(key)}: m${i}`).join(", ")
  } }, packageJson);`,
].join("\n");

const bundled = await build({
  stdin: { contents: entry, resolveDir: here, sourcefile: "entry.mjs", loader: "js" },
  bundle: true,
  write: false,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  target: "es2022",
  metafile: true,
  logLevel: "silent",
});
const script = bundled.outputFiles[0].text;

test("esbuild bundles every subpath for workerd from the package's ESM build", () => {
  assert.deepEqual(bundled.errors, []);
  const inputs = Object.keys(bundled.metafile.inputs).filter((p) =>
    p.includes("@peaqos/peaq-os-sdk/")
  );
  assert.ok(inputs.length > 0, "no package files in the bundle");
  for (const input of inputs.filter((p) => p.endsWith(".js"))) {
    assert.match(input, /peaq-os-sdk\/esm\//);
  }
  assert.doesNotMatch(script, /\brequire\(["']node:/);
  console.log(
    `# worker bundle: ${(script.length / 1024).toFixed(1)} KiB, ${inputs.length} package files`,
  );
});

const mf = new Miniflare({
  modules: true,
  script,
  compatibilityDate: "2026-04-01",
  bindings: {
    PEAQOS_ORCHESTRATION_URL: process.env.PEAQOS_ORCHESTRATION_URL,
    PEAQOS_API_KEY: process.env.PEAQOS_API_KEY,
  },
});
let results;
try {
  const response = await mf.dispatchFetch("http://smoke.local/run");
  assert.equal(response.status, 200, await response.clone().text());
  results = await response.json();
} finally {
  await mf.dispose();
}

test("the Worker ran every step of the story", () => {
  assert.ok(Array.isArray(results) && results.length > 0, "no results from the Worker");
});
for (const result of results) {
  test(`workerd: ${result.name}`, () => {
    if (!result.ok) assert.fail(result.error);
  });
}
