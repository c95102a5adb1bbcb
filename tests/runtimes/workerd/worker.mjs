// The Worker that runs the shared smoke story inside workerd. The driver (workerd_smoke.mjs)
// bundles it with esbuild behind an entry that imports every subpath of the packed package.
import { createWallet } from "../eip191.mjs";
import { smokeStory } from "../story.mjs";

/**
 * A Worker whose `fetch` runs the story once, in order, and answers one JSON result per step:
 * `[{ name, ok, error? }]`. `env` carries PEAQOS_ORCHESTRATION_URL and PEAQOS_API_KEY.
 */
export function storyWorker(subpaths, packageJson) {
  return {
    async fetch(_request, env) {
      const sdk = subpaths["."];
      const plainEnv = {
        PEAQOS_ORCHESTRATION_URL: env.PEAQOS_ORCHESTRATION_URL,
        PEAQOS_API_KEY: env.PEAQOS_API_KEY,
      };
      const results = [];
      for (const step of smokeStory({ sdk, subpaths, packageJson, env: plainEnv, createWallet })) {
        try {
          await step.run();
          results.push({ name: step.name, ok: true });
        } catch (error) {
          results.push({ name: step.name, ok: false, error: String(error?.stack ?? error) });
        }
      }
      return Response.json(results);
    },
  };
}
