// workerd: bundles a Worker that imports `./signer` from the project given as argv[2] (where
// the packed package is the only thing installed) with esbuild, runs it in miniflare's workerd,
// and prints `{ files, address, signature }` as JSON (`files`: what went into the bundle) for
// the runner to verify. esbuild and miniflare come from this file's own project, never from
// the one under test.
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const project = process.argv[2];
const entry = `import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
export default {
  async fetch(_request, env) {
    const signer = privateKeySigner(env.SIGNER_KEY);
    return Response.json({
      address: signer.address,
      signature: await signer.signMessage(env.SIGNER_MESSAGE),
    });
  },
};`;
const bundled = await build({
  stdin: { contents: entry, resolveDir: project, sourcefile: "entry.mjs", loader: "js" },
  bundle: true,
  write: false,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  target: "es2022",
  metafile: true,
  logLevel: "silent",
});
const inputs = Object.keys(bundled.metafile.inputs).filter((p) => p !== "entry.mjs");
const mf = new Miniflare({
  modules: true,
  script: bundled.outputFiles[0].text,
  compatibilityDate: "2026-04-01",
  bindings: { SIGNER_KEY: process.env.SIGNER_KEY, SIGNER_MESSAGE: process.env.SIGNER_MESSAGE },
});
try {
  const response = await mf.dispatchFetch("http://signer.local/");
  const body = await response.json();
  console.log(JSON.stringify({ files: inputs, ...body }));
} finally {
  await mf.dispose();
}
