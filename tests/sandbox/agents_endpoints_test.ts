/**
 * Sandbox machine agents and runtime endpoints, end to end through the SDK over 127.0.0.1:
 * enrollment with a hash-only provisioning token, heartbeats that lease endpoints (token in the
 * body or a header), the agent-auth codes, provider-key policy, revocation, runtime endpoint
 * upserts and their defaults, opaque-cursor pagination, and the orchestration group's refusal
 * of draft or unverified machines.
 */
import { assert, assertEquals, assertExists, assertFalse, assertNotEquals } from "@std/assert";
import type { ResponseHookInfo } from "../../mod.ts";
import { PeaqosClient } from "../../mod.ts";
import { findRuntimeEndpoint } from "../../sandbox/domain/runtime_endpoints.ts";
import {
  assertApiError,
  harness,
  manualClock,
  rawRequest,
  verifiedMachine,
} from "../_sandbox_platform.ts";

Deno.test("enrollMachineAgent() returns the provisioning token once and stores only its SHA-256 hash", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item } = await h.api.enrollMachineAgent(machine.id, {
    label: "edge-box",
    allowedProviderKeys: ["Ollama"],
  });
  assertEquals(item.status, "pending");
  assertEquals(item.allowedProviderKeys, ["ollama"]);
  assertEquals(item.lastSeenAt, null);
  assert(item.provisioningToken.length >= 32);

  const stored = h.sandbox.context.store.machineAgents.get(item.id);
  assertExists(stored);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(item.provisioningToken)),
  );
  assertEquals(
    stored.tokenHash,
    Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
  );
  assertFalse(JSON.stringify(stored).includes(item.provisioningToken));

  const { items } = await h.api.listMachineAgents(machine.id);
  assertEquals(items.length, 1);
  assertFalse("provisioningToken" in items[0]!);
  assertFalse(JSON.stringify(items).includes(item.provisioningToken));

  // A second enrollment gets a different token.
  const { item: second } = await h.api.enrollMachineAgent(machine.id, {});
  assertNotEquals(second.provisioningToken, item.provisioningToken);
});

Deno.test("machineAgentHeartbeat() upserts endpoints with source agent and a lease", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now });
  const { machine } = await verifiedMachine(h.api);
  const { item: agent } = await h.api.enrollMachineAgent(machine.id, {});
  const beat = await h.api.machineAgentHeartbeat({
    agentToken: agent.provisioningToken,
    endpoints: [{ providerKey: "Ollama", endpointBaseUrl: "http://127.0.0.1:11434/api?x=1#h" }],
  });
  assertEquals(beat.leaseExpiresAt, "2026-03-01T12:05:00.000Z"); // default lease 300 s
  assertEquals(beat.agent.status, "active");
  assertEquals(beat.agent.lastSeenAt, "2026-03-01T12:00:00.000Z");
  assertEquals(beat.endpoints.length, 1);
  const endpoint = beat.endpoints[0]!;
  assertEquals(endpoint.providerKey, "ollama");
  assertEquals(endpoint.endpointBaseUrl, "http://127.0.0.1:11434");
  assertEquals(endpoint.source, "agent");
  assertEquals(endpoint.leaseExpiresAt, beat.leaseExpiresAt);
  assertEquals(endpoint.networkScope, "loopback");
  assertEquals((await h.api.getRuntimeEndpoint(machine.id, "ollama")).item, endpoint);

  // The same token keeps working; a custom lease is honoured.
  clock.advance(30);
  const again = await h.api.machineAgentHeartbeat({
    agentToken: agent.provisioningToken,
    endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11435" }],
    leaseSeconds: 60,
  });
  assertEquals(again.leaseExpiresAt, "2026-03-01T12:01:30.000Z");
  assertEquals(again.endpoints[0]!.createdAt, endpoint.createdAt);
  assertEquals(
    (await h.api.listMachineAgents(machine.id)).items[0]!.lastSeenAt,
    "2026-03-01T12:00:30.000Z",
  );

  // A manual endpoint sits beside it; the source filter tells them apart.
  await h.api.upsertRuntimeEndpoint(machine.id, "vllm", {
    endpointBaseUrl: "http://127.0.0.1:8000",
  });
  const agentOnly = await h.api.listRuntimeEndpoints(machine.id, { source: "agent" });
  assertEquals(agentOnly.items.map((e) => e.providerKey), ["ollama"]);
  const manualOnly = await h.api.listRuntimeEndpoints(machine.id, { source: "manual" });
  assertEquals(manualOnly.items.map((e) => e.providerKey), ["vllm"]);

  // Once the lease lapses the market no longer routes to the endpoint.
  assertExists(findRuntimeEndpoint(h.sandbox.context, machine.id, "OLLAMA"));
  clock.advance(61);
  assertEquals(findRuntimeEndpoint(h.sandbox.context, machine.id, "ollama"), undefined);
});

Deno.test("machineAgentHeartbeat() refuses provider keys outside allowedProviderKeys with AGENT_POLICY_DENIED", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item: agent } = await h.api.enrollMachineAgent(machine.id, {
    allowedProviderKeys: ["ollama"],
  });
  const error = await assertApiError(
    h.api.machineAgentHeartbeat({
      agentToken: agent.provisioningToken,
      endpoints: [
        { providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:1" },
        { providerKey: "vllm", endpointBaseUrl: "http://127.0.0.1:2" },
      ],
    }),
    "AGENT_POLICY_DENIED",
    403,
  );
  assertEquals((error.details as { deniedProviderKeys: string[] }).deniedProviderKeys, ["vllm"]);
  // Nothing was written, not even the allowed endpoint.
  assertEquals((await h.api.listRuntimeEndpoints(machine.id)).items, []);
});

Deno.test("machineAgentHeartbeat() refuses unknown tokens (AGENT_AUTH_INVALID) and revoked agents (AGENT_PAIRING_INACTIVE)", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item: agent } = await h.api.enrollMachineAgent(machine.id, {});
  await assertApiError(
    h.api.machineAgentHeartbeat({ agentToken: "mat_forged" }),
    "AGENT_AUTH_INVALID",
    401,
  );
  await h.api.machineAgentHeartbeat({ agentToken: agent.provisioningToken });
  await h.api.revokeMachineAgent(machine.id, agent.id);
  assertEquals((await h.api.listMachineAgents(machine.id)).items[0]!.status, "revoked");
  await assertApiError(
    h.api.machineAgentHeartbeat({ agentToken: agent.provisioningToken }),
    "AGENT_PAIRING_INACTIVE",
    403,
  );
  await assertApiError(h.api.revokeMachineAgent(machine.id, "ma_missing"), "NOT_FOUND", 404);
});

Deno.test("POST /machine-agents/heartbeat takes the token from x-agent-pairing-token or Authorization: Bearer, else AGENT_AUTH_REQUIRED", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item: agent } = await h.api.enrollMachineAgent(machine.id, {});
  const beat = (headers: Record<string, string>, body?: unknown) =>
    rawRequest(h.sandbox, "/api/v1/machine-agents/heartbeat", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const codeOf = (res: { body: unknown }) => (res.body as { error: { code: string } }).error.code;
  const endpoints = [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }];

  const byHeader = await beat({ "x-agent-pairing-token": agent.provisioningToken }, { endpoints });
  assertEquals(byHeader.status, 200, JSON.stringify(byHeader.body));
  assertEquals((byHeader.body as { agent: { status: string } }).agent.status, "active");
  const byBearer = await beat({ authorization: `Bearer ${agent.provisioningToken}` }, {});
  assertEquals(byBearer.status, 200, JSON.stringify(byBearer.body));
  assertEquals((await h.api.listRuntimeEndpoints(machine.id)).items.map((e) => e.source), [
    "agent",
  ]);

  const none = await beat({}, {});
  assertEquals([none.status, codeOf(none)], [401, "AGENT_AUTH_REQUIRED"]);
  const unknown = await beat({ authorization: "Bearer mat_unknown" }, {});
  assertEquals([unknown.status, codeOf(unknown)], [401, "AGENT_AUTH_INVALID"]);
});

Deno.test("machineAgentHeartbeat() needs no API key (the token is in the body)", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item: agent } = await h.api.enrollMachineAgent(machine.id, {});
  const keyless = new PeaqosClient({ orchestrationUrl: h.sandbox.url }).orchestration;
  const beat = await keyless.machineAgentHeartbeat({ agentToken: agent.provisioningToken });
  assertEquals(beat.agent.id, agent.id);
  assertEquals(beat.endpoints, []);
});

Deno.test("upsertRuntimeEndpoint() answers 201 then 200, strips the URL, lowercases the key and never echoes authToken", async () => {
  const statuses: number[] = [];
  await using h = await harness();
  const client = new PeaqosClient({
    orchestrationUrl: h.sandbox.url,
    apiKey: h.sandbox.apiKey,
    onResponse: (info: ResponseHookInfo) => {
      statuses.push(info.status);
    },
  });
  const { machine } = await verifiedMachine(h.api);
  const secret = "rt-secret-value-123";
  const { item: created } = await client.orchestration.upsertRuntimeEndpoint(machine.id, "VLLM", {
    endpointBaseUrl: "https://user:pw@gpu.example.com:8443/v1/chat?debug=1#top",
    authType: "bearer",
    authToken: secret,
    modelAlias: "llama-3",
  });
  assertEquals(created.providerKey, "vllm");
  assertEquals(created.endpointBaseUrl, "https://gpu.example.com:8443");
  assertEquals(created.hasAuthToken, true);
  assertEquals(created.source, "manual");
  assertEquals(created.networkScope, "public");
  assertEquals(created.label, "VLLM runtime");
  assertEquals(created.probePath, "/health");
  assertFalse(JSON.stringify(created).includes(secret));

  const { item: updated } = await client.orchestration.upsertRuntimeEndpoint(machine.id, "vllm", {
    endpointBaseUrl: "http://10.0.0.5:8000",
  });
  assertEquals(updated.hasAuthToken, false);
  assertEquals(updated.networkScope, "lan");
  assertEquals(updated.createdAt, created.createdAt);
  assertEquals(statuses, [201, 200]);

  const raw = await rawRequest(h.sandbox, `/api/v1/machines/${machine.id}/runtime-endpoints`, {
    headers: { "x-api-key": h.sandbox.apiKey },
  });
  assertFalse(JSON.stringify(raw.body).includes(secret));
  assertEquals(findRuntimeEndpoint(h.sandbox.context, machine.id, "vllm")?.authToken, null);
});

Deno.test("findRuntimeEndpoint() hands the market routes the stored auth token", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  await h.api.upsertRuntimeEndpoint(machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:9/",
    authType: "api-key",
    authToken: "k-1",
  });
  const target = findRuntimeEndpoint(h.sandbox.context, machine.id, "Ollama");
  assertEquals(
    target && { url: target.endpointBaseUrl, type: target.authType, token: target.authToken },
    { url: "http://127.0.0.1:9", type: "api-key", token: "k-1" },
  );
  await h.api.upsertRuntimeEndpoint(machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:9/",
    status: "unreachable",
  });
  assertEquals(findRuntimeEndpoint(h.sandbox.context, machine.id, "ollama"), undefined);
});

Deno.test("getRuntimeEndpoint() and deleteRuntimeEndpoint() answer NOT_FOUND for unknown keys; delete is 204", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  await assertApiError(h.api.getRuntimeEndpoint(machine.id, "nope"), "NOT_FOUND", 404);
  await assertApiError(h.api.deleteRuntimeEndpoint(machine.id, "nope"), "NOT_FOUND", 404);
  await h.api.upsertRuntimeEndpoint(machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:1",
  });
  await h.api.deleteRuntimeEndpoint(machine.id, "OLLAMA");
  await assertApiError(h.api.getRuntimeEndpoint(machine.id, "ollama"), "NOT_FOUND", 404);
  await assertApiError(
    h.api.upsertRuntimeEndpoint("m_missing", "ollama", { endpointBaseUrl: "http://127.0.0.1:1" }),
    "NOT_FOUND",
    404,
  );
});

Deno.test("PUT runtime-endpoints refuses a non-http URL with VALIDATION_ERROR naming endpointBaseUrl", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  // Raw fetch: the SDK would refuse this URL locally before sending it.
  const res = await rawRequest(
    h.sandbox,
    `/api/v1/machines/${machine.id}/runtime-endpoints/ollama`,
    {
      method: "PUT",
      headers: { "x-api-key": h.sandbox.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ endpointBaseUrl: "ftp://127.0.0.1/x", authType: "token" }),
    },
  );
  assertEquals(res.status, 400);
  const error = (res.body as { error: { code: string; details: { path: string }[] } }).error;
  assertEquals(error.code, "VALIDATION_ERROR");
  assertEquals(error.details.map((d) => d.path).sort(), ["authType", "endpointBaseUrl"]);
});

Deno.test("listRuntimeEndpoints() pages with opaque, stable cursors", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const keys = Array.from({ length: 7 }, (_, i) => `p${i}`);
  for (const key of keys) {
    await h.api.upsertRuntimeEndpoint(machine.id, key, { endpointBaseUrl: "http://127.0.0.1:1" });
  }
  const seen: string[] = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await h.api.listRuntimeEndpoints(machine.id, { limit: 3, cursor });
    assert(page.items.length <= 3);
    seen.push(...page.items.map((e) => e.providerKey));
    cursor = page.nextCursor;
    if (cursor) {
      cursors.push(cursor);
      assertFalse(/p\d/.test(cursor)); // opaque: the cursor does not spell out keys
    }
  } while (cursor);
  assertEquals(seen, keys);
  assertEquals(cursors.length, 2);

  // Stable: deleting an item already served does not shift the next page.
  await h.api.deleteRuntimeEndpoint(machine.id, "p0");
  const page2 = await h.api.listRuntimeEndpoints(machine.id, { limit: 3, cursor: cursors[0]! });
  assertEquals(page2.items.map((e) => e.providerKey), ["p3", "p4", "p5"]);
  // An updated endpoint keeps its place.
  await h.api.upsertRuntimeEndpoint(machine.id, "p1", { endpointBaseUrl: "http://127.0.0.1:2" });
  const first = await h.api.listRuntimeEndpoints(machine.id, { limit: 2 });
  assertEquals(first.items.map((e) => e.providerKey), ["p1", "p2"]);

  const error = await assertApiError(
    h.api.listRuntimeEndpoints(machine.id, { cursor: "not-a-cursor" }),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((error.details as { path: string }[])[0]?.path, "cursor");
});

Deno.test("listMachines() pages across several pages without repeats", async () => {
  await using h = await harness();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await verifiedMachine(h.api)).machine.id);
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await h.api.listMachines({ limit: 2, ...(cursor && { cursor }) });
    pages.push(page.items.map((m) => m.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  assertEquals(pages.map((p) => p.length), [2, 2, 1]);
  assertEquals(pages.flat(), ids);
});

Deno.test("upsertRuntimeEndpoint() defaults label to '<KEY> runtime' and probePath to /v1/models for qvac", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item: qvac } = await h.api.upsertRuntimeEndpoint(machine.id, "qvac", {
    endpointBaseUrl: "http://127.0.0.1:8080",
  });
  assertEquals([qvac.label, qvac.probePath], ["QVAC runtime", "/v1/models"]);
  const { item: ollama } = await h.api.upsertRuntimeEndpoint(machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:11434",
  });
  assertEquals([ollama.label, ollama.probePath], ["OLLAMA runtime", "/health"]);
  const { item: named } = await h.api.upsertRuntimeEndpoint(machine.id, "qvac", {
    endpointBaseUrl: "http://127.0.0.1:8080",
    label: "Edge GPU",
    probePath: "/ready",
  });
  assertEquals([named.label, named.probePath], ["Edge GPU", "/ready"]);
  // Heartbeat-reported endpoints get the same defaults.
  const { item: agent } = await h.api.enrollMachineAgent(machine.id, {});
  const beat = await h.api.machineAgentHeartbeat({
    agentToken: agent.provisioningToken,
    endpoints: [{ providerKey: "vllm", endpointBaseUrl: "http://127.0.0.1:8000" }],
  });
  assertEquals([beat.endpoints[0]?.label, beat.endpoints[0]?.probePath], [
    "VLLM runtime",
    "/health",
  ]);
});

Deno.test("runtime endpoints, machine agents, graph and tasks refuse draft (MACHINE_NOT_ACTIVE) and unverified (MACHINE_NOT_ACTIVATED) machines", async () => {
  await using h = await harness();
  const { machine: verified } = await verifiedMachine(h.api);
  const { item: agent } = await h.api.enrollMachineAgent(verified.id, {});
  const { item: unverified } = await h.api.createMachine({
    displayName: "U",
    machineType: "rover",
  });
  const group = (machineId: string): Array<[string, () => Promise<unknown>]> => [
    ["listRuntimeEndpoints", () => h.api.listRuntimeEndpoints(machineId)],
    [
      "upsertRuntimeEndpoint",
      () =>
        h.api.upsertRuntimeEndpoint(machineId, "ollama", { endpointBaseUrl: "http://127.0.0.1:1" }),
    ],
    ["listMachineAgents", () => h.api.listMachineAgents(machineId)],
    ["enrollMachineAgent", () => h.api.enrollMachineAgent(machineId, {})],
    ["getMachineGraph", () => h.api.getMachineGraph(machineId)],
    ["createGraphNode", () => h.api.createGraphNode(machineId, { kind: "sensor", label: "Lidar" })],
    ["listTasks", () => h.api.listTasks(machineId)],
    ["createTask", () => h.api.createTask(machineId, { intent: "map the field" })],
  ];
  for (const [name, call] of group(unverified.id)) {
    const error = await assertApiError(call(), "MACHINE_NOT_ACTIVATED", 409);
    assert(error.message.includes("no verified identity"), `${name}: ${error.message}`);
  }
  await h.api.updateMachine(verified.id, { status: "draft" });
  for (const [, call] of group(verified.id)) {
    await assertApiError(call(), "MACHINE_NOT_ACTIVE", 409);
  }
  // A machine agent of a draft machine cannot report endpoints either.
  await assertApiError(
    h.api.machineAgentHeartbeat({ agentToken: agent.provisioningToken }),
    "MACHINE_NOT_ACTIVE",
    409,
  );
  // Reactivated, the group answers again.
  await h.api.updateMachine(verified.id, { status: "active" });
  for (const [, call] of group(verified.id)) await call();
});

Deno.test("with machineIdentityVerification off, the orchestration group serves an active machine without a proof", async () => {
  await using h = await harness({ machineIdentityVerification: "off" });
  const { item: machine } = await h.api.createMachine({
    displayName: "Rover",
    machineType: "rover",
    status: "active",
  });
  const { item: endpoint } = await h.api.upsertRuntimeEndpoint(machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:11434",
  });
  assertEquals(endpoint.machineId, machine.id);
  const { item: node } = await h.api.createGraphNode(machine.id, { kind: "sensor", label: "L" });
  assertEquals(node.status, "active");
});
