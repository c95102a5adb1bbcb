// Bun: the packed package loaded with `import`, running the shared smoke story under `bun test`.
import { expect, test } from "bun:test";
import * as sdk from "@peaqos/peaq-os-sdk";
import packageJson from "@peaqos/peaq-os-sdk/package.json";
import { createWallet } from "../eip191.mjs";
import { smokeStory } from "../story.mjs";

const PACKAGE = "@peaqos/peaq-os-sdk";
const subpaths = {};
for (const key of Object.keys(packageJson.exports)) {
  if (key === "./package.json") continue;
  subpaths[key] = await import(key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`);
}

test("Bun resolves every subpath to the package's ESM build", () => {
  for (const key of Object.keys(subpaths)) {
    const resolved = Bun.resolveSync(
      key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`,
      import.meta.dir,
    );
    expect(resolved).toMatch(/\/node_modules\/@peaqos\/peaq-os-sdk\/esm\/.+\.js$/);
  }
});

for (const step of smokeStory({ sdk, subpaths, packageJson, env: undefined, createWallet })) {
  test(step.name, step.run, 20_000);
}
