/**
 * The sandbox against the wire rules of `api-contract.md` that hold for every route: the error
 * envelope `{ error: { code, message, details } }` and no 5xx for bad input, `x-request-id` on
 * every response (the execute response, which the task recorder rewrites, included),
 * `nextCursor` omitted on the last page, and `GET /machines` listing only verified machines.
 * Also: the SDK reads a revision-2 pairing view from a scripted server exactly as sent.
 */
import { assert, assertEquals, assertExists, assertMatch } from "@std/assert";
import type { AgentPairing, Machine } from "../../mod.ts";
import { createWallet } from "../../sandbox/mod.ts";
import { ids, market } from "../_market.ts";
import { harness, identityProof, rawRequest, verifiedMachine } from "../_sandbox_platform.ts";
import { orchestrationFor, startServer } from "../_recording_server.ts";

const json = { "content-type": "application/json" };

Deno.test("sandbox answers bad input with the error envelope and a 4xx on every route family", async () => {
  await using m = await market();
  const platform = { ...json, "x-api-key": m.sandbox.apiKey };
  const agent = { ...json, "x-agent-pairing-token": m.token };
  const machine = `/api/v1/machines/${m.machine.id}`;
  const cases: Array<[string, RequestInit, number, string]> = [
    ["/api/v1/nowhere", { headers: platform }, 404, "NOT_FOUND"],
    ["/api/v1/machines", {}, 401, "AUTH_REQUIRED"],
    ["/api/v1/machines?limit=0", { headers: platform }, 400, "VALIDATION_ERROR"],
    ["/api/v1/machines?cursor=%ZZ", { headers: platform }, 400, "VALIDATION_ERROR"],
    ["/api/v1/machines", { method: "POST", headers: platform, body: "{" }, 400, "VALIDATION_ERROR"],
    [
      "/api/v1/machines",
      { method: "POST", headers: platform, body: "null" },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "/api/v1/machines",
      { method: "POST", headers: platform, body: "x".repeat(1024 * 1024 + 1) },
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    [
      "/api/v1/machine-identity/challenges",
      { method: "POST", headers: platform, body: '{"identityRef":"x"}' },
      400,
      "VALIDATION_ERROR",
    ],
    [
      `${machine}/agent-pairings/challenges`,
      { method: "POST", headers: platform, body: "[]" },
      400,
      "VALIDATION_ERROR",
    ],
    [
      `${machine}/agents/enrollment`,
      { method: "POST", headers: platform, body: "{" },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "/api/v1/machine-agents/heartbeat",
      { method: "POST", headers: json, body: '{"leaseSeconds":0}' },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "/api/v1/machine-agents/heartbeat",
      { method: "POST", headers: json, body: "{}" },
      401,
      "AGENT_AUTH_REQUIRED",
    ],
    [
      `${machine}/runtime-endpoints/ollama`,
      { method: "PUT", headers: platform, body: "{}" },
      400,
      "VALIDATION_ERROR",
    ],
    ["/api/v1/skills?limit=abc", { headers: platform }, 400, "VALIDATION_ERROR"],
    [
      "/api/v1/market/search",
      { method: "POST", headers: agent, body: '{"limit":"x"}' },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "/api/v1/market/search",
      { method: "POST", headers: json, body: "{}" },
      401,
      "AGENT_AUTH_REQUIRED",
    ],
    [
      "/api/v1/market/orders",
      { method: "POST", headers: agent, body: '{"serviceId":1}' },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "/api/v1/market/orders/ord_missing/execute",
      { method: "POST", headers: agent },
      404,
      "NOT_FOUND",
    ],
    [
      "/api/v1/market/orders/ord_missing/payment-intent",
      { method: "POST", headers: agent, body: "{" },
      400,
      "VALIDATION_ERROR",
    ],
    [`${machine}/tasks?limit=-1`, { headers: platform }, 400, "VALIDATION_ERROR"],
    [
      `${machine}/graph/nodes`,
      { method: "POST", headers: platform, body: "{}" },
      400,
      "VALIDATION_ERROR",
    ],
    ["/api/v1/policies", { method: "POST", headers: platform, body: "{" }, 400, "VALIDATION_ERROR"],
    ["/api/v1/audit-events?cursor=nope", { headers: platform }, 400, "VALIDATION_ERROR"],
  ];
  for (const [path, init, status, code] of cases) {
    const res = await rawRequest(m.sandbox, path, init);
    const where = `${init.method ?? "GET"} ${path.slice(0, 80)}`;
    assertEquals(res.status, status, `${where}: ${JSON.stringify(res.body)}`);
    const body = res.body as { error: Record<string, unknown> };
    assertEquals(Object.keys(body), ["error"], where);
    assertEquals(Object.keys(body.error).sort(), ["code", "details", "message"], where);
    assertEquals(body.error.code, code, where);
    assertEquals(typeof body.error.message, "string", where);
    assertMatch(res.headers.get("x-request-id") ?? "", /^req_/, where);
  }
});

Deno.test("sandbox sets x-request-id on 200, 201, 204 and the rewritten execute response", async () => {
  await using m = await market();
  const agent = { ...json, "x-agent-pairing-token": m.token };
  const created = await rawRequest(m.sandbox, "/api/v1/market/orders", {
    method: "POST",
    headers: agent,
    body: JSON.stringify({ ...ids(m), serviceId: "svc_sim_echo" }),
  });
  assertEquals(created.status, 201);
  assertMatch(created.headers.get("x-request-id") ?? "", /^req_/);
  const orderId = (created.body as { item: { id: string } }).item.id;
  const executed = await rawRequest(m.sandbox, `/api/v1/market/orders/${orderId}/execute`, {
    method: "POST",
    headers: agent,
  });
  assertEquals(executed.status, 200);
  const requestIds = [created, executed].map((res) => res.headers.get("x-request-id"));
  assertMatch(requestIds[1] ?? "", /^req_/);
  assert(requestIds[0] !== requestIds[1], "each response has its own request id");
  assertEquals(executed.headers.get("content-type"), "application/json");
  // The recorder's rewrite kept the body and added the task it recorded.
  assertExists((executed.body as { order: { taskId: string | null } }).order.taskId);
  const archived = await rawRequest(m.sandbox, `/api/v1/machines/${m.machine.id}`, {
    method: "DELETE",
    headers: { "x-api-key": m.sandbox.apiKey },
  });
  assertEquals([archived.status, archived.body], [204, null]);
  assertMatch(archived.headers.get("x-request-id") ?? "", /^req_/);
});

Deno.test("GET /machines omits nextCursor on the last page, also when it is exactly full", async () => {
  await using h = await harness();
  const headers = { "x-api-key": h.sandbox.apiKey };
  for (let i = 0; i < 3; i++) await verifiedMachine(h.api, createWallet(), `Rover ${i}`);
  const full = await rawRequest(h.sandbox, "/api/v1/machines?limit=3", { headers });
  assertEquals(Object.keys(full.body as object), ["items"]);
  assertEquals((full.body as { items: unknown[] }).items.length, 3);
  const first = await rawRequest(h.sandbox, "/api/v1/machines?limit=2", { headers });
  const { nextCursor } = first.body as { nextCursor: string };
  assertExists(nextCursor);
  const last = await rawRequest(h.sandbox, `/api/v1/machines?limit=2&cursor=${nextCursor}`, {
    headers,
  });
  assertEquals(Object.keys(last.body as object), ["items"]);
  assertEquals((last.body as { items: unknown[] }).items.length, 1);
});

Deno.test("listMachines() pages only verified machines and lists one once its identity is verified", async () => {
  await using h = await harness();
  const seen: string[] = [];
  const verified: string[] = [];
  for (let i = 0; i < 3; i++) {
    await h.api.createMachine({ displayName: `Draft ${i}`, machineType: "drone" });
    verified.push((await verifiedMachine(h.api, createWallet(), `Rover ${i}`)).machine.id);
  }
  const { item: late } = await h.api.createMachine({ displayName: "Late", machineType: "drone" });
  let cursor: string | undefined;
  do {
    const page = await h.api.listMachines({ limit: 1, ...(cursor && { cursor }) });
    seen.push(...page.items.map((machine) => machine.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  assertEquals(seen, verified);

  const wallet = createWallet();
  const identityRef = `did:peaq:${wallet.address}`;
  await h.api.updateMachine(late.id, {
    identityRef,
    identityProof: await identityProof(h.api, wallet, identityRef),
  });
  const { items } = await h.api.listMachines();
  assertEquals(items.map((machine) => machine.id), [...verified, late.id]);
});

Deno.test("listAgentPairings() and getMachine() hand over revision-2 views unchanged, nulls included", async () => {
  // Typed, so the SDK's types are checked against the revision-2 shape too.
  const pairing: AgentPairing = {
    id: "ap_1",
    machineId: "m_1",
    agentAddress: "0x52908400098527886E0F7030069857D2E4169EE7",
    agentDid: null,
    agentProvider: "anthropic",
    agentRole: "buyer",
    description: null,
    status: "active",
    verification: null,
    delegationPolicy: {
      allowedSkillKeys: [],
      deniedSkillKeys: [],
      allowedServiceIds: ["svc_1"],
      deniedServiceIds: [],
      perTransactionLimit: 12.5,
      dailySpendLimit: null,
      currency: "USDT",
    },
    hasAuthToken: false,
    tokenLastFour: null,
    sessionTokenId: null,
    sessionId: null,
    sessionIssuedAt: null,
    sessionExpiresAt: null,
    createdAt: "2026-03-01T12:00:00.000Z",
    updatedAt: "2026-03-01T12:00:00.000Z",
  };
  const live: AgentPairing = {
    ...pairing,
    id: "ap_2",
    agentDid: "did:pkh:eip155:1:0x52908400098527886E0F7030069857D2E4169EE7",
    hasAuthToken: true,
    tokenLastFour: "x9Qz",
    sessionTokenId: "pat_7",
    sessionId: "ses_7",
    sessionIssuedAt: "2026-03-01T12:00:00.000Z",
    sessionExpiresAt: "2026-03-01T13:00:00.000Z",
  };
  await using server = startServer({ body: { items: [pairing, live] } });
  const api = orchestrationFor(server);
  const { items } = await api.listAgentPairings("m_1");
  assertEquals(items, [pairing, live]);
  assertEquals(server.requests[0]?.path, "/api/v1/machines/m_1/agent-pairings");

  const machine: Machine = {
    id: "m_1",
    displayName: "Rover",
    status: "active",
    ownerId: "owner_42",
    identityRef: null,
    identityProof: null,
    machineType: "rover",
    runtimeProfile: "default",
    capabilities: [],
    labels: {},
    policyIds: [],
    skillKeys: [],
    createdAt: "2026-03-01T12:00:00.000Z",
    updatedAt: "2026-03-01T12:00:00.000Z",
  };
  server.respond({ body: { item: machine } });
  assertEquals((await api.getMachine("m_1")).item, machine);
});
