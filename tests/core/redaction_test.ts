/**
 * Credentials stay out of every printed form: `sanitizeBody`, one-time tokens in results,
 * errors (message, stack, JSON, inspect) and the client itself.
 */
import { inspect } from "node:util";
import {
  assert,
  assertEquals,
  assertFalse,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import {
  OrchestrationApiError,
  OrchestrationError,
  OrchestrationNetworkError,
  PeaqosClient,
  REDACTED,
  sanitizeBody,
} from "../../mod.ts";
import {
  API_KEY,
  closedPort,
  orchestrationFor,
  PAIRING_TOKEN,
  startServer,
} from "../_recording_server.ts";

const PAIRING_SECRET = "eyJhbGciOiJIUzI1NiJ9.pairing-jwt-secret";
const PROVISIONING_SECRET = "prov-secret-0123456789";
const PRIVATE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ENDPOINT_SECRET = "endpoint-auth-secret-xyz";
const SIGNATURE = "0xfeedfacecafebeef-signature";

/** Every printed form of `value` we guard. */
function printedForms(value: unknown): Record<string, string> {
  return {
    json: JSON.stringify(value) ?? "",
    denoInspect: Deno.inspect(value, { depth: 10, showHidden: false }),
    denoInspectHidden: Deno.inspect(value, { depth: 10, showHidden: true }),
    nodeInspect: inspect(value, { depth: 10 }),
    nodeInspectHidden: inspect(value, { depth: 10, showHidden: true }),
    string: String(value),
  };
}

function assertNoSecret(value: unknown, secrets: readonly string[]): void {
  for (const [form, text] of Object.entries(printedForms(value))) {
    for (const secret of secrets) {
      assertFalse(text.includes(secret), `${form} leaks a secret: ${text}`);
    }
  }
}

// ---- sanitizeBody ----

Deno.test("sanitizeBody() redacts secret-named fields at any depth, case-insensitively", () => {
  const body = {
    agentToken: "t",
    API_KEY: "k",
    Password: "p",
    clientSecret: "s",
    providerCredentials: { ollama: { token: "x" } },
    Authorization: "Bearer x",
    agentProof: { challengeId: "c-1", signature: "0xsig" },
    nested: { deeper: { authToken: "a", label: "kept" } },
    endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://x", AUTHTOKEN: "b" }],
    displayName: "Rover",
    count: 3,
  };
  assertEquals(sanitizeBody<unknown>(body), {
    agentToken: REDACTED,
    API_KEY: REDACTED,
    Password: REDACTED,
    clientSecret: REDACTED,
    providerCredentials: REDACTED,
    Authorization: REDACTED,
    agentProof: { challengeId: "c-1", signature: REDACTED },
    nested: { deeper: { authToken: REDACTED, label: "kept" } },
    endpoints: [{ providerKey: REDACTED, endpointBaseUrl: "http://x", AUTHTOKEN: REDACTED }],
    displayName: "Rover",
    count: 3,
  });
  assertEquals(REDACTED, "[REDACTED]");
});

Deno.test("sanitizeBody() redacts inside arrays of arrays and leaves primitives alone", () => {
  assertEquals(sanitizeBody<unknown>([[{ secret: 1 }], [{ ok: 2 }]]), [[{ secret: REDACTED }], [{
    ok: 2,
  }]]);
  assertEquals(sanitizeBody("token"), "token");
  assertEquals(sanitizeBody(null), null);
  assertEquals(sanitizeBody(undefined), undefined);
  assertEquals(sanitizeBody(42), 42);
});

Deno.test("sanitizeBody() does not mutate its input", () => {
  const input = { a: { apiKey: "k", list: [{ password: "p" }] }, b: 1 };
  const before = structuredClone(input);
  const output = sanitizeBody(input);
  assertEquals(input, before);
  assert(output !== input && output.a !== input.a && output.a.list !== input.a.list);
  // A frozen input works too: nothing is written to it.
  const frozen = Object.freeze({ token: "t", inner: Object.freeze({ key: "k" }) });
  assertEquals(sanitizeBody<unknown>(frozen), { token: REDACTED, inner: { key: REDACTED } });
});

Deno.test("sanitizeBody() replaces cycles and keeps shared references", () => {
  const node: Record<string, unknown> = { name: "root", secret: "s" };
  node.self = node;
  const shared = { label: "x" };
  const output = sanitizeBody({ node, left: shared, right: shared }) as Record<string, unknown>;
  assertEquals(output.node, { name: "root", secret: REDACTED, self: "[Circular]" });
  assertEquals(output.left, { label: "x" });
  assertEquals(output.right, { label: "x" });
});

Deno.test("sanitizeBody() serialises values with toJSON as JSON.stringify would", () => {
  const at = new Date("2026-01-02T03:04:05.000Z");
  assertEquals(sanitizeBody<unknown>({ at }), { at: "2026-01-02T03:04:05.000Z" });
});

// ---- one-time tokens in results ----

Deno.test("createAgentPairing() keeps pairingToken readable but out of JSON and inspect", async () => {
  await using server = startServer({
    status: 201,
    body: { item: { id: "p-1", agentAddress: "0xagent", pairingToken: PAIRING_SECRET } },
  });
  const result = await orchestrationFor(server).createAgentPairing("m-1", {
    agentAddress: "0xagent",
    agentProvider: "anthropic",
    agentRole: "buyer",
    agentProof: { challengeId: "c", signature: SIGNATURE },
  });
  assertEquals(result.item.pairingToken, PAIRING_SECRET);
  assertEquals(result.item.id, "p-1");
  assertNoSecret(result, [PAIRING_SECRET]);
  assertNoSecret(result.item, [PAIRING_SECRET]);
  assertEquals(JSON.parse(JSON.stringify(result)), {
    item: { id: "p-1", agentAddress: "0xagent", pairingToken: REDACTED },
  });
  assertStringIncludes(Deno.inspect(result.item), REDACTED);
  assertStringIncludes(inspect(result.item), REDACTED);
  assertStringIncludes(inspect(result), "0xagent");
});

Deno.test("createAgentPairingSession() hides the rotated pairingToken the same way", async () => {
  await using server = startServer({
    body: { item: { id: "p-1", pairingToken: PAIRING_SECRET } },
  });
  const result = await orchestrationFor(server).createAgentPairingSession("m-1", "p-1", {
    agentProof: { challengeId: "c", signature: SIGNATURE },
  });
  assertEquals(result.item.pairingToken, PAIRING_SECRET);
  assertNoSecret(result, [PAIRING_SECRET]);
});

Deno.test("enrollMachineAgent() keeps provisioningToken readable but out of JSON and inspect", async () => {
  await using server = startServer({
    status: 201,
    body: { item: { id: "agent-1", provisioningToken: PROVISIONING_SECRET } },
  });
  const result = await orchestrationFor(server).enrollMachineAgent("m-1");
  assertEquals(result.item.provisioningToken, PROVISIONING_SECRET);
  assertNoSecret(result, [PROVISIONING_SECRET]);
  assertEquals(JSON.parse(JSON.stringify(result.item)).provisioningToken, REDACTED);
});

Deno.test("enrollMachineAgent() reads the token from agentToken too, and hides it under both names", async () => {
  await using server = startServer({
    status: 201,
    body: { item: { id: "agent-1", agentToken: PROVISIONING_SECRET } },
  });
  const result = await orchestrationFor(server).enrollMachineAgent("m-1");
  assertEquals(result.item.provisioningToken, PROVISIONING_SECRET);
  assertEquals((result.item as { agentToken?: string }).agentToken, PROVISIONING_SECRET);
  assertNoSecret(result, [PROVISIONING_SECRET]);
  const printed = JSON.parse(JSON.stringify(result.item));
  assertEquals([printed.provisioningToken, printed.agentToken], [REDACTED, REDACTED]);
  // Both names sent: both hidden, provisioningToken wins.
  server.respond({
    status: 201,
    body: { item: { id: "agent-2", provisioningToken: "pt-first", agentToken: "at-second" } },
  });
  const both = await orchestrationFor(server).enrollMachineAgent("m-1");
  assertEquals(both.item.provisioningToken, "pt-first");
  assertNoSecret(both, ["pt-first", "at-second"]);
});

// ---- errors ----

async function failingCalls(): Promise<unknown[]> {
  await using server = startServer({
    status: 400,
    body: { error: { code: "VALIDATION_ERROR", message: "Rejected", details: { field: "x" } } },
  });
  const api = orchestrationFor(server);
  const errors: unknown[] = [];
  const catchInto = (promise: Promise<unknown>) => promise.catch((e) => errors.push(e));
  await catchInto(
    api.upsertRuntimeEndpoint("m-1", "ollama", {
      endpointBaseUrl: "http://10.0.0.5:1",
      authToken: ENDPOINT_SECRET,
    }),
  );
  await catchInto(
    api.createAgentPairing("m-1", {
      agentAddress: "0xagent",
      agentProvider: "anthropic",
      agentRole: "buyer",
      agentProof: { challengeId: "c", signature: SIGNATURE },
    }),
  );
  await catchInto(api.createPaymentIntent("o-1", {}, PAIRING_TOKEN));
  await catchInto(api.machineAgentHeartbeat({ agentToken: PROVISIONING_SECRET }));
  assertEquals(server.requests.length, 4);
  return errors;
}

Deno.test("API errors carry the sanitized request body and never headers or secrets", async () => {
  const errors = await failingCalls();
  assertEquals(errors.length, 4);
  const [upsert, pairing, intent, heartbeat] = errors as OrchestrationApiError[];
  for (const error of errors) {
    assert(error instanceof OrchestrationApiError);
    assertNoSecret(error, [
      API_KEY,
      PAIRING_TOKEN,
      ENDPOINT_SECRET,
      SIGNATURE,
      PROVISIONING_SECRET,
    ]);
    assertFalse(`${error.message}\n${error.stack}`.includes(API_KEY));
    assertFalse(`${error.message}\n${error.stack}`.includes(PAIRING_TOKEN));
    assertFalse("headers" in (error.request ?? {}), "no headers on the request summary");
  }
  assertEquals(upsert!.request?.body, {
    endpointBaseUrl: "http://10.0.0.5:1",
    authToken: REDACTED,
  });
  assertEquals(pairing!.request?.body, {
    agentAddress: "0xagent",
    agentProvider: "anthropic",
    agentRole: "buyer",
    agentProof: { challengeId: "c", signature: REDACTED },
  });
  assertEquals(intent!.request, {
    method: "POST",
    path: "/api/v1/market/orders/o-1/payment-intent",
    body: {},
  });
  assertEquals(heartbeat!.request?.body, { agentToken: REDACTED });
  assertEquals(JSON.parse(JSON.stringify(upsert)).request.body.authToken, REDACTED);
});

Deno.test("network and timeout errors never show the API key or pairing token", async () => {
  const refused = new PeaqosClient({
    orchestrationUrl: `http://127.0.0.1:${closedPort()}`,
    apiKey: API_KEY,
  }).orchestration;
  const network = await assertRejects(
    () =>
      refused.createMarketOrder(
        { machineId: "m", agentPairingId: "p", serviceId: "s" },
        PAIRING_TOKEN,
      ),
    OrchestrationNetworkError,
  );
  assertNoSecret(network, [API_KEY, PAIRING_TOKEN]);
  assertNoSecret(network.cause, [API_KEY, PAIRING_TOKEN]);

  await using server = startServer({ hang: true });
  const slow = orchestrationFor(server, { timeouts: { write: 20 } });
  const timeout = await assertRejects(
    () => slow.confirmMarketOrder("o-1", PAIRING_TOKEN),
    OrchestrationNetworkError,
  );
  assert(timeout.timedOut);
  assertNoSecret(timeout, [API_KEY, PAIRING_TOKEN]);
});

Deno.test("validation errors never echo a rejected pairing token", async () => {
  await using server = startServer();
  const badToken = "secret token with spaces";
  const error = await assertRejects(
    () => orchestrationFor(server).confirmMarketOrder("o-1", badToken),
    OrchestrationError,
  );
  assertNoSecret(error, [badToken]);
});

// ---- the client ----

Deno.test("PeaqosClient never shows apiKey or privateKey through JSON or inspect", () => {
  const client = new PeaqosClient({
    orchestrationUrl: "https://orchestration.example",
    apiKey: API_KEY,
    privateKey: PRIVATE_KEY,
    rpcUrl: "https://rpc.example",
  });
  assertNoSecret(client, [API_KEY, PRIVATE_KEY]);
  assertNoSecret(client.orchestration, [API_KEY, PRIVATE_KEY]);
  assertEquals(Object.keys(client), []);
  const view = JSON.parse(JSON.stringify(client));
  assertEquals(view.apiKey, REDACTED);
  assertEquals(view.privateKey, REDACTED);
  assertEquals(view.orchestrationUrl, "https://orchestration.example");
  assertStringIncludes(Deno.inspect(client), REDACTED);
  assertStringIncludes(inspect(client), REDACTED);
});

// ---- real console output, in a child process ----

Deno.test("console.log of results, errors and the client shows no secret", async () => {
  await using server = startServer();
  server.respond((request) => {
    if (request.path.endsWith("/agent-pairings")) {
      return { status: 201, body: { item: { id: "p-1", pairingToken: PAIRING_SECRET } } };
    }
    if (request.path.endsWith("/enrollment")) {
      return { status: 201, body: { item: { id: "a-1", provisioningToken: PROVISIONING_SECRET } } };
    }
    return { status: 403, body: { error: { code: "AUTH_INVALID", message: "Denied" } } };
  });
  const script = `
    import { PeaqosClient } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    const client = new PeaqosClient({
      orchestrationUrl: Deno.env.get("URL"), apiKey: Deno.env.get("API_KEY"), privateKey: Deno.env.get("PK"),
    });
    const api = client.orchestration;
    const pairing = await api.createAgentPairing("m-1", {
      agentAddress: "0xa", agentProvider: "x", agentRole: "buyer",
      agentProof: { challengeId: "c", signature: Deno.env.get("SIG") },
    });
    const agent = await api.enrollMachineAgent("m-1");
    console.log("pairing", pairing, pairing.item);
    console.error("agent", agent);
    console.log(JSON.stringify({ pairing, agent }));
    const error = await api.createPaymentIntent("o-1", { authToken: "x" }, Deno.env.get("TOKEN")).catch((e) => e);
    console.log("error", error);
    console.error(String(error), error.stack);
    console.log("client", client, api);
    console.log("read", pairing.item.pairingToken === Deno.env.get("PAIRING_SECRET"));
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    env: {
      URL: server.url,
      API_KEY,
      PK: PRIVATE_KEY,
      SIG: SIGNATURE,
      TOKEN: PAIRING_TOKEN,
      PAIRING_SECRET,
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 0, text);
  assertStringIncludes(text, "read true");
  assertStringIncludes(text, "AUTH_INVALID");
  assertStringIncludes(text, REDACTED);
  for (
    const secret of [
      PAIRING_SECRET,
      PROVISIONING_SECRET,
      API_KEY,
      PRIVATE_KEY,
      SIGNATURE,
      PAIRING_TOKEN,
    ]
  ) {
    assertFalse(text.includes(secret), `console output leaks '${secret}':\n${text}`);
  }
  assertEquals(server.requests.length, 3);
});

Deno.test("sanitizeBody() survives hostile shapes: deep nesting, throwing toJSON, __proto__ keys", () => {
  let deep: Record<string, unknown> = { apiKey: "leaf-secret" };
  for (let i = 0; i < 10_000; i++) deep = { next: deep };
  const text = JSON.stringify(sanitizeBody(deep));
  assertStringIncludes(text, "[Truncated]");
  assertEquals(text.includes("leaf-secret"), false);

  const throwing = {
    when: {
      toJSON: () => {
        throw new Error("boom");
      },
    },
    token: "t",
  };
  assertEquals(sanitizeBody(throwing) as unknown, {
    when: "[Unserializable]",
    token: "[REDACTED]",
  });

  const proto = JSON.parse('{"__proto__": {"authToken": "p-secret"}, "a": 1}');
  const safe = sanitizeBody(proto) as Record<string, unknown>;
  assertEquals(Object.getPrototypeOf(safe), Object.prototype);
  assertEquals(JSON.stringify(safe).includes("p-secret"), false);
  assertEquals(Object.keys(safe).sort(), ["__proto__", "a"]);
});
