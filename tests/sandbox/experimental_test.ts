import {
  assert,
  assertArrayIncludes,
  assertEquals,
  assertExists,
  assertFalse,
  assertNotEquals,
  assertRejects,
} from "@std/assert";
import {
  type AuditEvent,
  OrchestrationApiError,
  type OrchestrationClient,
  OrchestrationValidationError,
  pairAgent,
  PeaqosClient,
  registerMachine,
} from "../../mod.ts";
import { describeRoute } from "../../sandbox/audit.ts";
import { generatePrivateKey, startSandbox } from "../../sandbox/mod.ts";
import { createClient, privateKeySigner } from "../../signer/mod.ts";

type World = {
  readonly url: string;
  readonly api: OrchestrationClient;
  readonly machineId: string;
  readonly pairingId: string;
  readonly token: string;
  [Symbol.asyncDispose](): Promise<void>;
};

// A sandbox with an active, identity-verified machine and a paired buyer agent.
async function world(dailySpendLimit?: number): Promise<World> {
  const sandbox = await startSandbox();
  const client = createClient({
    orchestrationUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    privateKey: generatePrivateKey(),
  });
  const { machine } = await registerMachine(client, {
    displayName: "Rover 7",
    machineType: "rover",
  });
  const session = await pairAgent(client, {
    machineId: machine.id,
    signer: privateKeySigner(generatePrivateKey()),
    agentProvider: "anthropic",
    agentRole: "buyer",
    ...(dailySpendLimit ? { delegationPolicy: { dailySpendLimit, currency: "USDT" } } : {}),
  });
  return {
    url: sandbox.url,
    api: client.orchestration,
    machineId: machine.id,
    pairingId: session.pairing.id,
    token: session.pairingToken,
    [Symbol.asyncDispose]: () => sandbox.close(),
  };
}

// Places an order for the service running `operation` and returns it.
async function order(w: World, operation: string, input: Record<string, unknown> = {}) {
  const { item: search } = await w.api.searchMarket(
    { machineId: w.machineId, agentPairingId: w.pairingId, operation },
    w.token,
  );
  const quote = search.quotes.find((q) => q.operation === operation);
  assertExists(quote, `no quote for '${operation}'`);
  const { item } = await w.api.createMarketOrder({
    machineId: w.machineId,
    agentPairingId: w.pairingId,
    serviceId: quote.serviceId,
    quoteId: quote.id,
    searchId: search.id,
    input,
  }, w.token);
  return item;
}

async function apiError(promise: Promise<unknown>): Promise<OrchestrationApiError> {
  return await assertRejects(() => promise, OrchestrationApiError);
}

Deno.test("getHealth() reads the host-root health endpoint without an API key", async () => {
  await using sandbox = await startSandbox();
  const urls: string[] = [];
  const client = new PeaqosClient({
    orchestrationUrl: sandbox.url,
    onRequest: (info) => void urls.push(info.url),
  });
  const health = await client.orchestration.getHealth();
  assertEquals(health.status, "ok");
  assert(!Number.isNaN(Date.parse(health.time)));
  assertEquals(urls, [`${sandbox.url}/health`]);
});

Deno.test("graph methods create, update and delete nodes and edges", async () => {
  await using w = await world();
  const { item: lidar } = await w.api.createGraphNode(w.machineId, {
    kind: "sensor",
    label: "Lidar",
    data: { rangeM: 40 },
  });
  const { item: planner } = await w.api.createGraphNode(w.machineId, {
    kind: "skill",
    label: "Planner",
  });
  const { item: edge } = await w.api.createGraphEdge(w.machineId, {
    fromNodeId: lidar.id,
    toNodeId: planner.id,
    relation: "feeds",
  });
  assertEquals(edge.machineId, w.machineId);

  const { item: renamed } = await w.api.updateGraphNode(w.machineId, lidar.id, {
    label: "Front lidar",
  });
  assertEquals([renamed.label, renamed.kind, renamed.data], [
    "Front lidar",
    "sensor",
    { rangeM: 40 },
  ]);
  const { item: relabelled } = await w.api.updateGraphEdge(w.machineId, edge.id, {
    relation: "informs",
  });
  assertEquals(relabelled.relation, "informs");

  const { item: graph } = await w.api.getMachineGraph(w.machineId);
  assertEquals(graph.nodes.map((n) => n.label), ["Front lidar", "Planner"]);
  assertEquals(graph.edges.map((e) => [e.fromNodeId, e.toNodeId, e.relation]), [
    [lidar.id, planner.id, "informs"],
  ]);

  // Deleting a node removes the edges touching it.
  await w.api.deleteGraphNode(w.machineId, planner.id);
  const { item: after } = await w.api.getMachineGraph(w.machineId);
  assertEquals(after.nodes.map((n) => n.id), [lidar.id]);
  assertEquals(after.edges, []);
  assertEquals((await apiError(w.api.deleteGraphEdge(w.machineId, edge.id))).code, "NOT_FOUND");
});

Deno.test("graph nodes carry a status and a data object that updates shallow-merge", async () => {
  await using w = await world();
  const { item: node } = await w.api.createGraphNode(w.machineId, {
    kind: "sensor",
    label: "Lidar",
    status: "draft",
    data: { rangeM: 40, mount: { side: "front" } },
  });
  assertEquals([node.status, node.data], ["draft", { rangeM: 40, mount: { side: "front" } }]);
  const { item: plain } = await w.api.createGraphNode(w.machineId, { kind: "skill", label: "P" });
  assertEquals([plain.status, plain.data], ["active", {}]);

  const { item: updated } = await w.api.updateGraphNode(w.machineId, node.id, {
    status: "degraded",
    data: { rangeM: 25, mount: { tilt: 3 }, note: null },
  });
  // Top-level keys merge; a nested object is replaced, not merged.
  assertEquals([updated.status, updated.data], ["degraded", {
    rangeM: 25,
    mount: { tilt: 3 },
    note: null,
  }]);
  const { item: relabelled } = await w.api.updateGraphNode(w.machineId, node.id, { label: "L2" });
  assertEquals([relabelled.label, relabelled.status, relabelled.data], ["L2", "degraded", {
    rangeM: 25,
    mount: { tilt: 3 },
    note: null,
  }]);
  const error = await apiError(
    w.api.updateGraphNode(w.machineId, node.id, { status: "archived" as "draft" }),
  );
  assertEquals([error.code, (error.details as { path: string }[])[0]?.path], [
    "VALIDATION_ERROR",
    "status",
  ]);
});

Deno.test("createGraphEdge() refuses ends that are not nodes of the machine", async () => {
  await using w = await world();
  const { item: node } = await w.api.createGraphNode(w.machineId, { kind: "sensor", label: "A" });
  const error = await apiError(
    w.api.createGraphEdge(w.machineId, {
      fromNodeId: node.id,
      toNodeId: "node_missing",
      relation: "feeds",
    }),
  );
  assertEquals([error.code, error.statusCode], ["VALIDATION_ERROR", 400]);
  assertEquals((error.details as { path: string }[]).map((d) => d.path), ["toNodeId"]);
  await assertRejects(
    () => w.api.createGraphNode(w.machineId, { kind: "", label: "x" }),
    OrchestrationValidationError,
  );
});

Deno.test("policy methods version every change and page through listPoliciesAll()", async () => {
  await using w = await world();
  const { item: policy } = await w.api.createPolicy({ name: "night", rules: { maxSpeed: 2 } });
  assertEquals([policy.version, policy.description], [1, null]);
  const { item: same } = await w.api.updatePolicy(policy.id, { rules: { maxSpeed: 2 } });
  assertEquals(same.version, 1);
  const { item: changed } = await w.api.updatePolicy(policy.id, { rules: { maxSpeed: 1 } });
  assertEquals([changed.version, changed.rules], [2, { maxSpeed: 1 }]);
  assertEquals((await w.api.getPolicy(policy.id)).item.version, 2);

  const duplicate = await apiError(w.api.createPolicy({ name: "night" }));
  assertEquals(duplicate.code, "VALIDATION_ERROR");
  for (const name of ["a", "b", "c", "d"]) await w.api.createPolicy({ name });
  const first = await w.api.listPolicies({ limit: 2 });
  assertEquals(first.items.length, 2);
  assertExists(first.nextCursor);
  const names: string[] = [];
  for await (const p of w.api.listPoliciesAll({ limit: 2 })) names.push(p.name);
  assertEquals(names, ["night", "a", "b", "c", "d"]);
  assertEquals((await apiError(w.api.getPolicy("pol_missing"))).statusCode, 404);
});

Deno.test("getReadiness() reports each check and follows the machine's state", async () => {
  await using w = await world();
  const ready = (await w.api.getReadiness(w.machineId)).item;
  assertEquals(ready.ready, true, JSON.stringify(ready.checks));
  assertEquals(ready.checks.map((c) => c.name), [
    "identity",
    "status",
    "policies",
    "agent-pairing",
    "runtime-endpoints",
  ]);

  await w.api.updateMachine(w.machineId, { policyIds: ["pol_unknown"] });
  await w.api.revokeAgentPairing(w.machineId, w.pairingId);
  const { item } = await w.api.getReadiness(w.machineId);
  assertFalse(item.ready);
  const failing = item.checks.filter((c) => !c.ok).map((c) => c.name);
  assertEquals(failing, ["policies", "agent-pairing"]);

  const { item: policy } = await w.api.createPolicy({ name: "fleet" });
  await w.api.updateMachine(w.machineId, { policyIds: [policy.id] });
  const policies = (await w.api.getReadiness(w.machineId)).item.checks.find((c) =>
    c.name === "policies"
  );
  assertEquals(policies?.ok, true);
});

Deno.test("task methods take a task from intent to a recorded run", async () => {
  await using w = await world();
  const { item: created } = await w.api.createTask(w.machineId, {
    intent: "translate a text to German",
    input: { text: "Hello", targetLanguage: "de" },
  });
  assertEquals([created.status, created.candidates], ["created", []]);

  const early = await apiError(w.api.executeTask(w.machineId, created.id));
  assertEquals([early.code, early.statusCode], ["VALIDATION_ERROR", 409]);

  const { item: discovered } = await w.api.discoverTask(w.machineId, created.id);
  assertEquals(discovered.status, "discovered");
  assertEquals(discovered.candidates[0]?.serviceId, "svc_sim_translate");
  const scores = discovered.candidates.map((c) => c.score);
  assertEquals(scores, [...scores].sort((a, b) => b - a));

  const wrong = await apiError(
    w.api.resolveTask(w.machineId, created.id, { serviceId: "svc_not_a_candidate" }),
  );
  assertEquals(wrong.code, "VALIDATION_ERROR");
  const { item: resolved } = await w.api.resolveTask(w.machineId, created.id);
  assertEquals([resolved.status, resolved.serviceId], ["resolved", "svc_sim_translate"]);
  assertExists(resolved.routeId);

  const { item: done } = await w.api.executeTask(w.machineId, created.id);
  assertEquals(done.status, "succeeded");
  assertExists(done.runId);
  assertExists(done.outcomeId);
  const { item: run } = await w.api.getRun(done.runId);
  assertEquals([run.taskId, run.orderId, run.routeId, run.outcomeId, run.status], [
    created.id,
    null,
    resolved.routeId,
    done.outcomeId,
    "succeeded",
  ]);
  assertEquals((await w.api.getTask(w.machineId, created.id)).item, done);

  const { items } = await w.api.listTasks(w.machineId, { status: "succeeded" });
  assertEquals(items.map((t) => t.id), [created.id]);
  assertEquals((await w.api.listTasks(w.machineId, { status: "created" })).items, []);
});

Deno.test("executeTask() refuses services the sandbox cannot run as tasks", async () => {
  await using w = await world();
  const { item: task } = await w.api.createTask(w.machineId, {
    intent: "book a ride",
    skillKey: "mobility.ride",
  });
  await w.api.discoverTask(w.machineId, task.id);
  await w.api.resolveTask(w.machineId, task.id, { serviceId: "svc_ride_handoff" });
  const error = await apiError(w.api.executeTask(w.machineId, task.id));
  assertEquals([error.code, error.statusCode], ["EXECUTION_UNSUPPORTED", 422]);
  assertEquals((await w.api.getTask(w.machineId, task.id)).item.status, "resolved");
});

Deno.test("executeMarketOrder() records the order's task, route, run and outcome", async () => {
  await using w = await world();
  const placed = await order(w, "echo", { message: "ping" });
  const result = await w.api.executeMarketOrder(placed.id, {}, w.token);
  assert(result.execution.statusCode === 200);
  const executed = result.order;
  assertExists(executed.taskId);
  assertExists(executed.routeId);
  assertEquals(executed.runId, result.execution.run.id);
  assertEquals(executed.outcomeId, result.execution.outcome.id);
  // The stored order agrees with the response.
  assertEquals((await w.api.getMarketOrder(placed.id)).item.taskId, executed.taskId);

  const { item: run } = await w.api.getRun(executed.runId!);
  assertEquals([run.orderId, run.taskId, run.routeId, run.outcomeId, run.machineId], [
    placed.id,
    executed.taskId,
    executed.routeId,
    executed.outcomeId,
    w.machineId,
  ]);
  const { item: task } = await w.api.getTask(w.machineId, executed.taskId);
  assertEquals([task.orderId, task.status, task.runId], [placed.id, "succeeded", run.id]);

  const runs: string[] = [];
  for await (const r of w.api.listRunsAll({ machineId: w.machineId, limit: 1 })) runs.push(r.id);
  assertEquals(runs, [run.id]);
  assertEquals((await w.api.listRuns({ machineId: "m_other" })).items, []);
});

Deno.test("an external handoff records a routed task without a run", async () => {
  await using w = await world();
  const placed = await order(w, "lookup", { topic: "brake pads" });
  const result = await w.api.executeMarketOrder(placed.id, {}, w.token);
  assertEquals(result.execution.statusCode, 202);
  assertExists(result.order.taskId);
  assertEquals(result.order.runId, null);
  const { item: task } = await w.api.getTask(w.machineId, result.order.taskId);
  assertEquals([task.status, task.runId, task.routeId], ["resolved", null, result.order.routeId]);
});

Deno.test("cancelMarketOrder() cancels before execution and refuses afterwards", async () => {
  await using w = await world();
  const placed = await order(w, "echo");
  const { order: cancelled } = await w.api.cancelMarketOrder(
    placed.id,
    { reason: "Changed plans" },
    w.token,
  );
  assertEquals(cancelled.status, "cancelled");
  assertEquals(
    (await apiError(w.api.cancelMarketOrder(placed.id, undefined, w.token))).code,
    "ORDER_CLOSED",
  );
  assertEquals(
    (await apiError(w.api.executeMarketOrder(placed.id, {}, w.token))).code,
    "ORDER_CLOSED",
  );

  const delivered = await order(w, "echo");
  await w.api.executeMarketOrder(delivered.id, {}, w.token);
  const late = await apiError(w.api.cancelMarketOrder(delivered.id, undefined, w.token));
  assertEquals([late.code, late.statusCode], ["ORDER_CLOSED", 409]);
});

Deno.test("retryMarketOrder() reopens only a failed order, which then runs again", async () => {
  await using w = await world();
  const placed = await order(w, "echo", { simulateFailure: true });
  const failed = await w.api.executeMarketOrder(placed.id, {}, w.token);
  assertEquals(failed.order.status, "failed");
  const firstRun = failed.order.runId;

  const { order: reopened } = await w.api.retryMarketOrder(placed.id, w.token);
  assertEquals([reopened.status, reopened.errorMessage], ["ready", null]);
  const again = await w.api.executeMarketOrder(
    placed.id,
    { input: { simulateFailure: false } },
    w.token,
  );
  assertEquals(again.order.status, "delivered");
  assertNotEquals(again.order.runId, firstRun);
  // One task per order, its runs in order.
  assertEquals(again.order.taskId, failed.order.taskId);
  const { items: runs } = await w.api.listRuns({ machineId: w.machineId });
  assertEquals(runs.map((r) => [r.id, r.status, r.taskId]), [
    [firstRun, "failed", failed.order.taskId],
    [again.order.runId, "succeeded", failed.order.taskId],
  ]);

  const closed = await apiError(w.api.retryMarketOrder(placed.id, w.token));
  assertEquals([closed.code, closed.statusCode], ["ORDER_CLOSED", 409]);
  const unauth = await apiError(w.api.retryMarketOrder(placed.id, "not-a-token"));
  assertEquals(unauth.code, "AGENT_AUTH_INVALID");
});

Deno.test("listAuditEvents() records every successful mutation and nothing else", async () => {
  await using w = await world();
  const before = (await w.api.listAuditEvents({ machineId: w.machineId })).items;
  // The identity challenge comes before the machine exists, so it names no machine.
  assertEquals(before.map((e) => e.action), [
    "machine.create",
    "pairing-challenge.create",
    "agent-pairing.create",
  ]);

  await apiError(w.api.updateMachine(w.machineId, { identityRef: "did:peaq:0x0" }));
  await apiError(w.api.getPolicy("pol_missing"));
  const placed = await order(w, "echo");
  await w.api.executeMarketOrder(placed.id, {}, w.token);
  const { item: node } = await w.api.createGraphNode(w.machineId, { kind: "k", label: "l" });
  await w.api.deleteGraphNode(w.machineId, node.id);
  await w.api.createPolicy({ name: "p" });

  const all: AuditEvent[] = [];
  for await (const e of w.api.listAuditEventsAll({ limit: 2 })) all.push(e);
  const mine = all.filter((e) => e.machineId === w.machineId).slice(before.length);
  assertEquals(mine.map((e) => [e.action, e.actor, e.resourceId]), [
    ["market-search.create", "agent", mine[0]!.resourceId],
    ["order.create", "agent", placed.id],
    ["order.execute", "agent", placed.id],
    ["graph-node.create", "platform", node.id],
    ["graph-node.delete", "platform", node.id],
  ]);
  assertEquals(mine.map((e) => e.route).slice(1, 3), [
    "POST /market/orders",
    "POST /market/orders/:orderId/execute",
  ]);
  assertEquals(mine[4]?.statusCode, 204);
  const policyEvent = all.at(-1)!;
  assertEquals([policyEvent.action, policyEvent.machineId], ["policy.create", null]);
  assertArrayIncludes(all.map((e) => e.action), ["identity-challenge.create"]);
  // Failed calls (an immutable identity, a missing policy) left no trace.
  assertFalse(all.some((e) => e.action === "machine.update"));
});

Deno.test("describeRoute() names the resource and action of every route family", () => {
  const cases: [string, string, string, string | null][] = [
    ["POST", "/machines", "machine.create", null],
    ["PATCH", "/machines/:machineId", "machine.update", "machineId"],
    ["POST", "/machine-identity/challenges", "identity-challenge.create", null],
    ["POST", "/machines/:machineId/agent-pairings/challenges", "pairing-challenge.create", null],
    [
      "POST",
      "/machines/:machineId/agent-pairings/:pairingId/sessions",
      "agent-pairing-session.create",
      null,
    ],
    [
      "DELETE",
      "/machines/:machineId/agent-pairings/:pairingId",
      "agent-pairing.delete",
      "pairingId",
    ],
    ["POST", "/machines/:machineId/agents/enrollment", "machine-agent.enroll", null],
    ["POST", "/machine-agents/heartbeat", "machine-agent.heartbeat", null],
    [
      "PUT",
      "/machines/:machineId/runtime-endpoints/:providerKey",
      "runtime-endpoint.upsert",
      "providerKey",
    ],
    ["PATCH", "/skills/:skillKey/config", "skill-config.update", null],
    ["POST", "/market/search", "market-search.create", null],
    ["POST", "/market/orders/:orderId/retry", "order.retry", "orderId"],
    ["POST", "/market/orders/:orderId/payment-intent", "payment-intent.create", null],
    ["POST", "/market/orders/:orderId/payment/escrow-lock", "payment.escrow-lock", null],
    ["POST", "/machines/:machineId/tasks/:taskId/discover", "task.discover", "taskId"],
    ["DELETE", "/machines/:machineId/graph/edges/:edgeId", "graph-edge.delete", "edgeId"],
    ["PATCH", "/policies/:policyId", "policy.update", "policyId"],
  ];
  for (const [method, pattern, action, idParam] of cases) {
    const described = describeRoute(method, pattern);
    assertEquals([described.action, described.idParam], [action, idParam], pattern);
  }
});

Deno.test("discoverTask() keeps only services offering the task's operation", async () => {
  await using w = await world();
  const { item: task } = await w.api.createTask(w.machineId, {
    intent: "complete a prompt",
    operation: "complete",
    input: { prompt: "Hi" },
  });
  const { item } = await w.api.discoverTask(w.machineId, task.id);
  const ids = item.candidates.map((c) => c.serviceId).sort();
  assertEquals(ids, ["svc_ollama_chat", "svc_sim_complete", "svc_vllm_complete"]);
  const { item: resolved } = await w.api.resolveTask(w.machineId, task.id, {
    serviceId: "svc_sim_complete",
  });
  const { item: done } = await w.api.executeTask(w.machineId, resolved.id);
  const { item: run } = await w.api.getRun(done.runId!);
  assertEquals([run.operation, run.providerKey, run.status], ["complete", "peaq-sim", "succeeded"]);
});

Deno.test("retryMarketOrder() refuses when the machine was archived after the failure", async () => {
  await using w = await world();
  const placed = await order(w, "echo", { simulateFailure: true });
  assertEquals((await w.api.executeMarketOrder(placed.id, {}, w.token)).order.status, "failed");
  await w.api.archiveMachine(w.machineId);
  const refused = await apiError(w.api.retryMarketOrder(placed.id, w.token));
  assertEquals([refused.code, refused.statusCode], ["MACHINE_NOT_ACTIVE", 409]);
  assertEquals((await w.api.getMarketOrder(placed.id)).item.status, "failed");
});

Deno.test("retryMarketOrder() re-checks the daily limit a failed order stopped counting against", async () => {
  await using w = await world(0.15);
  const pay = async (orderId: string) => {
    await w.api.createPaymentIntent(orderId, { rail: "wallet" }, w.token);
    await w.api.submitPaymentProof(orderId, {
      transactionHash: `0x${crypto.randomUUID().replaceAll("-", "").repeat(2)}`,
      verificationMode: "recorded",
    }, w.token);
  };
  const first = await order(w, "complete", { prompt: "a", simulateFailure: true });
  await pay(first.id);
  assertEquals((await w.api.executeMarketOrder(first.id, {}, w.token)).order.status, "failed");
  // The failed order no longer counts, so a second one fits under the limit...
  const second = await order(w, "complete", { prompt: "b" });
  // ...and reopening the first would put 0.20 against a 0.15 limit.
  const error = await apiError(w.api.retryMarketOrder(first.id, w.token));
  assertEquals([error.code, error.statusCode], ["AGENT_DAILY_LIMIT_EXCEEDED", 403]);
  assertEquals((await w.api.getMarketOrder(first.id)).item.status, "failed");

  await w.api.cancelMarketOrder(second.id, undefined, w.token);
  const { order: reopened, payment } = await w.api.retryMarketOrder(first.id, w.token);
  assertEquals([reopened.status, payment?.status], ["ready", "held"]);
});
