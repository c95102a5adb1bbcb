/**
 * `PeaqosClient.fromEnv(env)` and the signer's `createClientFromEnv(env)` take a Worker's `Env`
 * as `wrangler types` generates it: an interface without an index signature, holding bindings
 * beside the variables. The `@ts-expect-error` lines are part of the test: `deno check` fails if
 * what they refuse becomes accepted.
 */
import { assertEquals } from "@std/assert";
import { type EnvSource, PeaqosClient } from "../../mod.ts";
import { createClientFromEnv } from "../../signer/mod.ts";
import type { Env as WorkerEnv } from "../../worker/src/env.ts";

// The shape `wrangler types` writes into worker-configuration.d.ts.
interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
}
interface Env {
  PEAQOS_ORCHESTRATION_URL: string;
  PEAQOS_API_KEY: string;
  LEDGER: DurableObjectNamespaceLike;
}

const env: Env = {
  PEAQOS_ORCHESTRATION_URL: "https://orchestration.example",
  PEAQOS_API_KEY: "sk_env",
  LEDGER: { idFromName: (name) => name },
};

Deno.test("PeaqosClient.fromEnv() takes a wrangler-generated Env interface", () => {
  const client = PeaqosClient.fromEnv(env);
  assertEquals(client.orchestrationUrl, "https://orchestration.example");
});

Deno.test("createClientFromEnv() takes a wrangler-generated Env interface", () => {
  const client = createClientFromEnv(env);
  assertEquals(client.orchestrationUrl, "https://orchestration.example");
  assertEquals(client.signer, undefined);
});

Deno.test("PeaqosClient.fromEnv() takes this repository's Worker Env", () => {
  // Only the type is under test; the bindings are never touched by fromEnv.
  const workerEnv = { PEAQOS_ORCHESTRATION_URL: "https://orchestration.example" } as WorkerEnv;
  assertEquals(PeaqosClient.fromEnv(workerEnv).orchestrationUrl, "https://orchestration.example");
});

Deno.test("EnvSource takes an Env that declares no PEAQOS_* variable (all set as secrets)", () => {
  interface SecretsOnlyEnv {
    LEDGER: DurableObjectNamespaceLike;
  }
  const secretsOnly: SecretsOnlyEnv = { LEDGER: env.LEDGER };
  assertEquals(PeaqosClient.fromEnv(secretsOnly).orchestrationUrl, undefined);
});

Deno.test("EnvSource takes process-style maps and refuses non-string PEAQOS_* values", () => {
  const processEnv: Record<string, string | undefined> = { PEAQOS_ORCHESTRATION_URL: "http://x" };
  const denoEnv: { [name: string]: string } = { PEAQOS_API_KEY: "sk_env" };
  assertEquals(PeaqosClient.fromEnv(processEnv).orchestrationUrl, "http://x");
  assertEquals(PeaqosClient.fromEnv(denoEnv).orchestrationUrl, undefined);

  interface SecretsStoreEnv {
    PEAQOS_API_KEY: { get(): Promise<string> }; // a Secrets Store binding is not a string
  }
  const secretsStore: SecretsStoreEnv = { PEAQOS_API_KEY: { get: () => Promise.resolve("k") } };
  // @ts-expect-error: a binding where fromEnv expects a string
  const refused: EnvSource = secretsStore;
  // @ts-expect-error: a misspelt variable in a literal
  const misspelt: EnvSource = { PEAQOS_ORCHESTRATIONURL: "http://x" };
  assertEquals([typeof refused, typeof misspelt], ["object", "object"]);
});
