/**
 * Sandbox market orders, end to end through the SDK over 127.0.0.1: every refusal code of
 * order creation and the order in which they are checked, budgets and spend limits as JSON
 * numbers exact to the cent and under concurrency, the payment recommendation on the order,
 * native execution (simulated and forwarded to a runtime endpoint), external handoff, confirm
 * (payment `release_pending`), dispute, cancel and closed orders.
 */
import {
  assert,
  assertEquals,
  assertExists,
  assertFalse,
  assertMatch,
  assertRejects,
} from "@std/assert";
import { OrchestrationApiError, OrchestrationValidationError, PeaqosClient } from "../../mod.ts";
import type { MarketOrder } from "../../mod.ts";
import { amountToUnits, formatMoney, parseMoney, toBaseUnits } from "../../contract/money.ts";
import { createSandbox } from "../../sandbox/mod.ts";
import { deadUrl, ids, localServer, type Market, market } from "../_market.ts";
import {
  assertApiError,
  manualClock,
  pairAgent,
  rawRequest,
  verifiedMachine,
} from "../_sandbox_platform.ts";

const HASH = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
let nextHash = 1_000;

async function order(
  m: Market,
  serviceId: string,
  extra: Record<string, unknown> = {},
): Promise<MarketOrder> {
  const { item } = await m.api.createMarketOrder({ ...ids(m), serviceId, ...extra }, m.token);
  return item;
}

async function paidOrder(
  m: Market,
  serviceId = "svc_sim_complete",
  input: Record<string, unknown> = { prompt: "Hi" },
): Promise<MarketOrder> {
  const created = await order(m, serviceId, { input });
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await m.api.submitPaymentProof(created.id, { transactionHash: HASH(nextHash++) }, m.token);
  return created;
}

Deno.test("parseMoney() and formatMoney() are exact decimal arithmetic on bigints", () => {
  assertEquals(parseMoney("0.1")! + parseMoney("0.2")!, parseMoney("0.3")!);
  assertEquals(formatMoney(parseMoney("0.1")! * 3n), "0.30");
  assertEquals(formatMoney(parseMoney("12.5")!), "12.50");
  assertEquals(formatMoney(parseMoney("0.000125")!), "0.000125");
  assertEquals(parseMoney("1e3"), undefined);
  assertEquals(parseMoney("-1.00"), undefined);
  assertEquals(toBaseUnits("1.50", 6), 1_500_000n);
  assertEquals(toBaseUnits("0.0000001", 6), undefined);
  assertEquals(toBaseUnits("2", 18), 2_000_000_000_000_000_000n);
});

Deno.test("createMarketOrder() records an order with the service snapshot and quote", async () => {
  await using m = await market();
  const { item: search } = await m.api.searchMarket(
    { ...ids(m), operation: "store" },
    m.token,
  );
  const quote = search.quotes[0]!;
  const created = await order(m, quote.serviceId, {
    searchId: search.id,
    quoteId: quote.id,
    input: { key: "logs/1", sizeBytes: 2048 },
    budget: { amount: 5, currency: "USDT" },
  });
  assertMatch(created.id, /^ord_/);
  assertEquals(created.status, "created");
  assertEquals(created.searchId, search.id);
  assertEquals(created.quoteId, quote.id);
  assertEquals(created.operation, "store");
  assertEquals(created.serviceSnapshot.id, "svc_sim_store");
  assertEquals(created.budget, { amount: 5, currency: "USDT" });
  // The order carries the service's payment recommendation; the payment record does not exist yet.
  assertEquals(created.payment, created.serviceSnapshot.payment);
  assertEquals([created.payment?.defaultRail, created.payment?.required], [
    "offchain-record",
    true,
  ]);
  assertEquals((await m.api.getMarketPayment(created.id)).item, null);
  assertEquals(created.runId, null);
  const { item: fetched } = await m.api.getMarketOrder(created.id);
  assertEquals(fetched, created);
  // A quote is single-use.
  await assertApiError(
    order(m, quote.serviceId, { quoteId: quote.id, input: { key: "logs/2" } }),
    "QUOTE_EXPIRED",
    409,
  );
});

Deno.test("createMarketOrder() refuses an expired quote with QUOTE_EXPIRED on the sandbox clock", async () => {
  const clock = manualClock();
  await using m = await market({ now: clock.now });
  const { item: search } = await m.api.searchMarket({ ...ids(m), operation: "embed" }, m.token);
  const quote = search.quotes[0]!;
  clock.advance(599);
  const second = await m.api.searchMarket({ ...ids(m), operation: "embed" }, m.token);
  // A fresh quote works.
  await order(m, quote.serviceId, { quoteId: second.item.quotes[0]!.id, input: { text: "x" } });
  clock.advance(1);
  await assertApiError(
    m.api.createMarketOrder(
      { ...ids(m), serviceId: quote.serviceId, quoteId: quote.id, input: { text: "x" } },
      m.token,
    ),
    "QUOTE_EXPIRED",
    409,
  );
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: quote.serviceId, quoteId: "qt_nope" }, m.token),
    "NOT_FOUND",
    404,
  );
  const mismatch = await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo", quoteId: quote.id }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((mismatch.details as { path: string }[])[0]?.path, "quoteId");
});

Deno.test("createMarketOrder() validates the body, operation and input against the manifest", async () => {
  await using m = await market();
  const operation = await assertApiError(
    m.api.createMarketOrder(
      { ...ids(m), serviceId: "svc_sim_complete", operation: "fly" },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((operation.details as { path: string }[])[0]?.path, "operation");
  const input = await assertApiError(
    m.api.createMarketOrder(
      { ...ids(m), serviceId: "svc_sim_complete", input: { maxTokens: "many" } },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals(
    (input.details as { path: string }[]).map((issue) => issue.path).sort(),
    ["input.maxTokens", "input.prompt"],
  );
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_store" }, m.token),
    "VALIDATION_ERROR",
    400,
  ); // quote-required without a quote
  await assertApiError(
    m.api.createMarketOrder(
      {
        ...ids(m),
        serviceId: "svc_sim_translate",
        budget: { amount: 1, currency: "USDT" },
        input: { text: "a", targetLanguage: "de" },
      },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  ); // price over budget
});

Deno.test("createMarketOrder() refuses another pairing's ids with AGENT_PAIRING_REQUIRED", async () => {
  await using m = await market();
  const other = await pairAgent(m.api, m.machine.id);
  await assertApiError(
    m.api.createMarketOrder(
      { machineId: m.machine.id, agentPairingId: other.pairing.id, serviceId: "svc_sim_echo" },
      m.token,
    ),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
  await assertApiError(
    m.api.createMarketOrder(
      { machineId: m.machine.id, agentPairingId: "pair_missing", serviceId: "svc_sim_echo" },
      m.token,
    ),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
});

Deno.test("createMarketOrder() checks validation, then the pairing, then its status, then the service", async () => {
  await using m = await market();
  const other = await pairAgent(m.api, m.machine.id);
  await m.api.updateAgentPairing(m.machine.id, m.pairing.id, { status: "paused" });
  // Invalid body beats an inactive pairing.
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo", operation: "" }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  // A foreign pairing id beats the inactive status.
  await assertApiError(
    m.api.createMarketOrder(
      { machineId: m.machine.id, agentPairingId: other.pairing.id, serviceId: "svc_nope" },
      m.token,
    ),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
  // The inactive pairing beats an unknown service.
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_nope" }, m.token),
    "AGENT_PAIRING_INACTIVE",
    403,
  );
  await m.api.updateAgentPairing(m.machine.id, m.pairing.id, { status: "active" });
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_nope" }, m.token),
    "NOT_FOUND",
    404,
  );
  // A revoked pairing's token no longer acts.
  await m.api.revokeAgentPairing(m.machine.id, m.pairing.id);
  const revoked = await m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo" }, m.token)
    .catch((err) => err);
  assert(revoked instanceof OrchestrationApiError);
  assert(["AGENT_PAIRING_INACTIVE", "AGENT_AUTH_INVALID"].includes(revoked.code), revoked.code);
});

Deno.test("createMarketOrder() refuses when the machine is not active with MACHINE_NOT_ACTIVE", async () => {
  await using m = await market();
  await m.api.updateMachine(m.machine.id, { status: "degraded" });
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo" }, m.token),
    "MACHINE_NOT_ACTIVE",
    409,
  );
  await m.api.updateMachine(m.machine.id, { status: "active" });
  await order(m, "svc_sim_echo");
});

Deno.test("createMarketOrder() refuses a machine without a verified identity with MACHINE_NOT_ACTIVATED", async () => {
  // The API cannot unverify a machine, so the test drops the proof from the store directly.
  const { app, ctx } = createSandbox();
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (addr) => resolve(addr as Deno.NetAddr) },
    app.fetch,
  );
  try {
    const addr = await promise;
    const api = new PeaqosClient({
      orchestrationUrl: `http://127.0.0.1:${addr.port}`,
      apiKey: ctx.options.apiKeys[0]!,
    }).orchestration;
    const { machine } = await verifiedMachine(api);
    const { pairing } = await pairAgent(api, machine.id);
    const record = ctx.store.machines.get(machine.id)!;
    record.machine = { ...record.machine, identityProof: null };
    await assertApiError(
      api.createMarketOrder(
        { machineId: machine.id, agentPairingId: pairing.id, serviceId: "svc_sim_echo" },
        pairing.pairingToken,
      ),
      "MACHINE_NOT_ACTIVATED",
      409,
    );
  } finally {
    await server.shutdown();
    await ctx.runCloseHooks();
  }
});

Deno.test("createMarketOrder() enforces the policy's skill and service allow/deny lists with AGENT_POLICY_DENIED", async () => {
  await using m = await market({}, {
    deniedSkillKeys: ["sim.mapping"],
    deniedServiceIds: ["svc_sim_embed"],
  });
  await assertApiError(
    order(m, "svc_sim_geocode", { input: { address: "Main St 1" } }),
    "AGENT_POLICY_DENIED",
    403,
  );
  await assertApiError(
    order(m, "svc_sim_embed", { input: { text: "x" } }),
    "AGENT_POLICY_DENIED",
    403,
  );
  await order(m, "svc_sim_echo");

  const allowed = await pairAgent(m.api, m.machine.id, undefined, {
    allowedSkillKeys: ["sim.inference"],
    allowedServiceIds: ["svc_sim_echo"],
  });
  const as = { ...m, pairing: allowed.pairing, token: allowed.pairing.pairingToken } as Market;
  await order(as, "svc_sim_echo");
  await assertApiError(
    order(as, "svc_sim_embed", { input: { text: "x" } }),
    "AGENT_POLICY_DENIED",
    403,
  );
  await assertApiError(
    order(as, "svc_sim_forecast", { input: { location: "Berlin" } }),
    "AGENT_POLICY_DENIED",
    403,
  );
});

Deno.test("createMarketOrder() checks the quote before the policy", async () => {
  const clock = manualClock();
  await using m = await market({ now: clock.now });
  const { item } = await m.api.searchMarket({ ...ids(m), operation: "embed" }, m.token);
  await m.api.updateAgentPairing(m.machine.id, m.pairing.id, {
    delegationPolicy: { deniedServiceIds: ["svc_sim_embed"] },
  });
  const { item: session } = await m.api.createAgentPairingSession(m.machine.id, m.pairing.id, {
    agentProof: await (async () => {
      const { item: challenge } = await m.api.createAgentPairingChallenge(m.machine.id, {
        agentAddress: m.agent.address,
        agentProvider: "anthropic",
        agentRole: "buyer",
      });
      return {
        challengeId: challenge.challengeId,
        signature: m.agent.signMessage(challenge.message),
      };
    })(),
  });
  clock.advance(601);
  await assertApiError(
    m.api.createMarketOrder(
      { ...ids(m), serviceId: "svc_sim_embed", quoteId: item.quotes[0]!.id, input: { text: "x" } },
      session.pairingToken,
    ),
    "QUOTE_EXPIRED",
    409,
  );
  await assertApiError(
    m.api.createMarketOrder(
      { ...ids(m), serviceId: "svc_sim_embed", input: { text: "x" } },
      session.pairingToken,
    ),
    "AGENT_POLICY_DENIED",
    403,
  );
});

Deno.test("createMarketOrder() enforces the per-transaction limit exactly to the cent", async () => {
  await using m = await market({}, { perTransactionLimit: 0.1, currency: "USDT" });
  await order(m, "svc_sim_complete", { input: { prompt: "ok" } }); // exactly 0.10
  const error = await assertApiError(
    order(m, "svc_sim_vision", { input: { imageUrl: "http://cam/1.jpg" } }),
    "AGENT_SPEND_LIMIT_EXCEEDED",
    403,
  );
  assertEquals(error.details, { price: 0.75, limit: 0.1, currency: "USDT" });
  const tight = await pairAgent(m.api, m.machine.id, undefined, {
    perTransactionLimit: 0.09,
    currency: "USDT",
  });
  const as = { ...m, pairing: tight.pairing, token: tight.pairing.pairingToken } as Market;
  await assertApiError(
    order(as, "svc_sim_complete", { input: { prompt: "ok" } }),
    "AGENT_SPEND_LIMIT_EXCEEDED",
    403,
  );
  await order(as, "svc_sim_echo"); // free orders never hit a limit
});

Deno.test("createMarketOrder() enforces the daily limit exactly and resets on the next UTC day", async () => {
  const clock = manualClock("2026-06-10T23:45:00.000Z");
  await using m = await market({ now: clock.now }, { dailySpendLimit: 0.3, currency: "USDT" });
  for (let i = 0; i < 3; i++) await order(m, "svc_sim_complete", { input: { prompt: `n${i}` } });
  const error = await assertApiError(
    order(m, "svc_sim_complete", { input: { prompt: "n3" } }),
    "AGENT_DAILY_LIMIT_EXCEEDED",
    403,
  );
  assertEquals(error.details, { spentToday: 0.3, price: 0.1, limit: 0.3, currency: "USDT" });
  await order(m, "svc_sim_embed", { input: { text: "x" } }).then(
    () => {
      throw new Error("0.32 must not fit under 0.30");
    },
    (err) => assertEquals(err.code, "AGENT_DAILY_LIMIT_EXCEEDED"),
  );
  clock.advance(900); // 2026-06-11T00:00:00Z, within the token's lifetime
  await order(m, "svc_sim_complete", { input: { prompt: "tomorrow" } });
});

Deno.test("createMarketOrder() under 50 concurrent requests never exceeds the daily limit and fills it exactly", async () => {
  await using m = await market({}, { dailySpendLimit: 1, currency: "USDT" });
  const results = await Promise.allSettled(
    Array.from(
      { length: 50 },
      (_, i) => order(m, "svc_sim_complete", { input: { prompt: `p${i}` } }),
    ),
  );
  const accepted = results.filter((result) => result.status === "fulfilled");
  const refused = results.filter((result) => result.status === "rejected");
  assertEquals(accepted.length, 10); // 10 × 0.10 = 1.00, the most that fits
  for (const result of refused) {
    assertEquals((result as PromiseRejectedResult).reason.code, "AGENT_DAILY_LIMIT_EXCEEDED");
  }
  const all = [];
  for await (const item of m.api.listMarketOrdersAll({ machineId: m.machine.id, limit: 3 })) {
    all.push(item);
  }
  assertEquals(all.length, 10);
  const total = all.reduce(
    (sum, item) => sum + amountToUnits(item.serviceSnapshot.pricing.amount)!,
    0n,
  );
  assertEquals(formatMoney(total), "1.00");
});

Deno.test("createMarketOrder() accepts providerCredentials but never stores or echoes them", async () => {
  await using m = await market();
  const secret = "sk-live-very-secret-123";
  const res = await rawRequest(m.sandbox, "/api/v1/market/orders", {
    method: "POST",
    headers: { "content-type": "application/json", "x-agent-pairing-token": m.token },
    body: JSON.stringify({
      ...ids(m),
      serviceId: "svc_sim_echo",
      providerCredentials: { "peaq-sim": { apiKey: secret } },
    }),
  });
  assertEquals(res.status, 201);
  const id = (res.body as { item: MarketOrder }).item.id;
  assertFalse(JSON.stringify(res.body).includes(secret));
  const fetched = await rawRequest(m.sandbox, `/api/v1/market/orders/${id}`, {
    headers: { "x-api-key": m.sandbox.apiKey },
  });
  assertFalse(JSON.stringify(fetched.body).includes(secret));
  const listed = await rawRequest(m.sandbox, `/api/v1/market/orders?machineId=${m.machine.id}`, {
    headers: { "x-api-key": m.sandbox.apiKey },
  });
  assertFalse(JSON.stringify(listed.body).includes(secret));
  const executed = await m.api.executeMarketOrder(id, {}, m.token);
  assertFalse(JSON.stringify(executed).includes(secret));
});

Deno.test("executeMarketOrder() runs a paid native order on the simulated provider (200)", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_complete", { input: { prompt: "Plan my day" } });
  const unpaid = await assertApiError(
    m.api.executeMarketOrder(created.id, {}, m.token),
    "PAYMENT_REQUIRED",
    402,
  );
  assertEquals((unpaid.details as { amount: number }).amount, 0.1);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await assertApiError(m.api.executeMarketOrder(created.id, {}, m.token), "PAYMENT_REQUIRED", 402);
  await m.api.submitPaymentProof(created.id, { transactionHash: HASH(1) }, m.token);
  assertEquals((await m.api.getMarketOrder(created.id)).item.status, "ready");

  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  assertEquals(result.execution.statusCode, 200);
  if (result.execution.statusCode !== 200) throw new Error("unreachable");
  assertEquals(result.execution.mode, "native");
  assertEquals(result.execution.run.status, "succeeded");
  assertEquals(result.execution.run.orderId, created.id);
  assertEquals(result.execution.outcome.runId, result.execution.run.id);
  assertMatch(String(result.execution.outcome.output.text), /Plan my day/);
  assertEquals(result.order.status, "delivered");
  assertEquals(result.order.runId, result.execution.run.id);
  assertEquals(result.order.outcomeId, result.execution.outcome.id);
  assertEquals(result.order.payment, result.order.serviceSnapshot.payment);
  assertEquals([result.order.payment?.defaultRail, result.order.payment?.required], [
    "wallet",
    true,
  ]);
  assertEquals((await m.api.getMarketPayment(created.id)).item?.status, "held");
  // Executing twice is refused.
  await assertApiError(m.api.executeMarketOrder(created.id, {}, m.token), "ORDER_CLOSED", 409);
});

Deno.test("executeMarketOrder() marks the order failed when the provider fails, and closes it", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_echo", {
    input: { message: "x", simulateFailure: true },
  });
  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  if (result.execution.statusCode !== 200) throw new Error("expected a native run");
  assertEquals(result.execution.run.status, "failed");
  assertEquals(result.order.status, "failed");
  assertExists(result.order.errorMessage);
  await assertApiError(m.api.confirmMarketOrder(created.id, m.token), "ORDER_CLOSED", 409);
  await assertApiError(m.api.createPaymentIntent(created.id, {}, m.token), "ORDER_CLOSED", 409);
  await assertApiError(
    m.api.cancelMarketOrder(created.id, undefined, m.token),
    "ORDER_CLOSED",
    409,
  );
});

Deno.test("executeMarketOrder() hands external services off with 202 and status handoff", async () => {
  await using m = await market();
  const created = await order(m, "svc_manual_handoff", { input: { topic: "brakes" } });
  assertEquals(created.status, "created"); // free, and still created: nothing to pay first
  assertEquals(created.payment, created.serviceSnapshot.payment);
  assertEquals([created.payment?.defaultRail, created.payment?.required], ["not-required", false]);
  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  assertEquals(result.execution.statusCode, 202);
  if (result.execution.statusCode !== 202) throw new Error("unreachable");
  assertEquals(result.execution.mode, "external-handoff");
  assertEquals(result.execution.handoff.url, "https://manualhub.example/search");
  assertEquals(result.order.status, "handoff");
  assertEquals(result.order.handoff, result.execution.handoff);
  const confirmed = await m.api.confirmMarketOrder(created.id, m.token);
  assertEquals(confirmed.order.status, "confirmed");
  assertEquals(confirmed.payment, null);
});

Deno.test("executeMarketOrder() refuses a service the sandbox cannot run with EXECUTION_UNSUPPORTED", async () => {
  await using m = await market();
  const created = await paidOrder(m, "svc_teleop_beta", { reason: "stuck" });
  await assertApiError(
    m.api.executeMarketOrder(created.id, {}, m.token),
    "EXECUTION_UNSUPPORTED",
    422,
  );
});

Deno.test("executeMarketOrder() forwards to the machine's runtime endpoint with its credentials", async () => {
  const calls: { path: string; auth: string | null; body: Record<string, unknown> }[] = [];
  await using runtime = await localServer(async (request) => {
    const body = await request.json();
    calls.push({
      path: new URL(request.url).pathname,
      auth: request.headers.get("authorization"),
      body,
    });
    return Response.json({
      output: { text: `ollama says: ${body.input.prompt}` },
      summary: "Chatted",
    });
  });
  await using m = await market();
  await m.api.upsertRuntimeEndpoint(m.machine.id, "ollama", {
    endpointBaseUrl: runtime.url,
    authType: "bearer",
    authToken: "endpoint-token-1",
  });
  const created = await order(m, "svc_ollama_chat", {
    operation: "complete",
    input: { prompt: "Hello" },
  });
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await m.api.submitPaymentProof(created.id, { transactionHash: HASH(7) }, m.token);
  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  if (result.execution.statusCode !== 200) throw new Error("expected a native run");
  assertEquals(result.execution.outcome.output, { text: "ollama says: Hello" });
  assertEquals(result.execution.outcome.summary, "Chatted");
  assertEquals(result.order.status, "delivered");
  assertEquals(calls.length, 1);
  assertEquals(calls[0]?.path, "/execute");
  assertEquals(calls[0]?.auth, "Bearer endpoint-token-1");
  assertEquals(calls[0]?.body.orderId, created.id);
  assertEquals(calls[0]?.body.operation, "complete");
});

Deno.test("executeMarketOrder() answers ENDPOINT_UNREACHABLE when the runtime endpoint is down or missing", async () => {
  await using m = await market();
  await m.api.upsertRuntimeEndpoint(m.machine.id, "vllm", { endpointBaseUrl: await deadUrl() });
  const created = await order(m, "svc_vllm_complete", { input: { prompt: "Hi" } });
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await m.api.submitPaymentProof(created.id, { transactionHash: HASH(8) }, m.token);
  await assertApiError(
    m.api.executeMarketOrder(created.id, {}, m.token),
    "ENDPOINT_UNREACHABLE",
    503,
  );
  // Nothing ran: the order is still ready and can run once the endpoint is back.
  assertEquals((await m.api.getMarketOrder(created.id)).item.status, "ready");

  await using failing = await localServer(() => new Response("boom", { status: 500 }));
  await m.api.upsertRuntimeEndpoint(m.machine.id, "vllm", { endpointBaseUrl: failing.url });
  await assertApiError(
    m.api.executeMarketOrder(created.id, {}, m.token),
    "ENDPOINT_UNREACHABLE",
    502,
  );

  await m.api.deleteRuntimeEndpoint(m.machine.id, "vllm");
  await assertApiError(
    m.api.executeMarketOrder(created.id, {}, m.token),
    "ENDPOINT_UNREACHABLE",
    503,
  );

  await using healthy = await localServer(() => Response.json({ output: { text: "ok" } }));
  await m.api.upsertRuntimeEndpoint(m.machine.id, "vllm", { endpointBaseUrl: healthy.url });
  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  assertEquals(result.order.status, "delivered");
});

Deno.test("confirmMarketOrder() refuses an undelivered order and moves a held payment to release_pending", async () => {
  await using m = await market();
  const created = await paidOrder(m);
  await assertApiError(m.api.confirmMarketOrder(created.id, m.token), "ORDER_NOT_DELIVERED", 409);
  await m.api.executeMarketOrder(created.id, {}, m.token);
  const { order: confirmed, payment } = await m.api.confirmMarketOrder(created.id, m.token);
  assertEquals(confirmed.status, "confirmed");
  assertEquals(payment?.status, "release_pending");
  assertEquals(payment?.amount, 0.1);
  assertEquals(confirmed.payment, confirmed.serviceSnapshot.payment);
  assertEquals([confirmed.payment?.defaultRail, confirmed.payment?.required], ["wallet", true]);
  assertEquals((await m.api.getMarketPayment(created.id)).item, payment);
  await assertApiError(m.api.confirmMarketOrder(created.id, m.token), "ORDER_CLOSED", 409);
  await assertApiError(
    m.api.disputeMarketOrder(created.id, { reason: "late" }, m.token),
    "ORDER_CLOSED",
    409,
  );
});

Deno.test("disputeMarketOrder() freezes the payment and closes the order", async () => {
  await using m = await market();
  const created = await paidOrder(m);
  await m.api.executeMarketOrder(created.id, {}, m.token);
  const result = await m.api.disputeMarketOrder(
    created.id,
    { reason: "Output was wrong", evidence: { expected: "a plan" } },
    m.token,
  );
  assertEquals(result.order.status, "disputed");
  assertEquals(result.payment?.status, "frozen");
  assertEquals(result.dispute.orderId, created.id);
  assertEquals(result.dispute.reason, "Output was wrong");
  assertEquals(result.dispute.evidence, { expected: "a plan" });
  assertEquals(result.dispute.status, "open");
  for (
    const attempt of [
      () => m.api.executeMarketOrder(created.id, {}, m.token),
      () => m.api.confirmMarketOrder(created.id, m.token),
      () => m.api.disputeMarketOrder(created.id, { reason: "again" }, m.token),
      () => m.api.submitPaymentProof(created.id, { transactionHash: HASH(99) }, m.token),
    ]
  ) {
    await assertApiError(attempt(), "ORDER_CLOSED", 409);
  }
});

Deno.test("cancelMarketOrder() cancels an unexecuted order and refunds a held payment", async () => {
  await using m = await market();
  const created = await paidOrder(m);
  const { order: cancelled, payment } = await m.api.cancelMarketOrder(
    created.id,
    { reason: "changed plans" },
    m.token,
  );
  assertEquals(cancelled.status, "cancelled");
  assertEquals(payment?.status, "refunded");
  await assertApiError(m.api.executeMarketOrder(created.id, {}, m.token), "ORDER_CLOSED", 409);
});

Deno.test("order actions refuse an order placed through another pairing", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_echo");
  const other = await pairAgent(m.api, m.machine.id);
  await assertApiError(
    m.api.executeMarketOrder(created.id, {}, other.pairing.pairingToken),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
  await assertApiError(m.api.executeMarketOrder("ord_missing", {}, m.token), "NOT_FOUND", 404);
  await assertApiError(m.api.getMarketOrder("ord_missing"), "NOT_FOUND", 404);
});

Deno.test("listMarketOrders() pages a machine's orders in creation order", async () => {
  await using m = await market();
  const created = [];
  for (let i = 0; i < 5; i++) created.push((await order(m, "svc_sim_echo")).id);
  const { machine: otherMachine } = await verifiedMachine(m.api);
  const first = await m.api.listMarketOrders({ machineId: m.machine.id, limit: 2 });
  assertEquals(first.items.map((item) => item.id), created.slice(0, 2));
  assertExists(first.nextCursor);
  const rest = await m.api.listMarketOrders({
    machineId: m.machine.id,
    limit: 10,
    cursor: first.nextCursor,
  });
  assertEquals(rest.items.map((item) => item.id), created.slice(2));
  assertEquals(rest.nextCursor, undefined);
  assertEquals((await m.api.listMarketOrders({ machineId: otherMachine.id })).items, []);
  await assertApiError(m.api.listMarketOrders({ machineId: "m_missing" }), "NOT_FOUND", 404);
});

Deno.test("createMarketOrder() refuses a negative or over-precise budget with VALIDATION_ERROR naming budget.amount", async () => {
  await using m = await market();
  // 1.5e-18 is 0.0000000000000000015: 19 decimal places, more than the 18 money keeps.
  for (const amount of [-0.1, -1, 1.5e-18]) {
    const error = await assertApiError(
      order(m, "svc_sim_complete", {
        input: { prompt: "x" },
        budget: { amount, currency: "USDT" },
      }),
      "VALIDATION_ERROR",
      400,
    );
    assertEquals((error.details as { path: string }[]).map((issue) => issue.path), [
      "budget.amount",
    ]);
  }
  assertEquals(m.sandbox.context.store.orders.size, 0);
});

Deno.test("createMarketOrder() refuses a non-finite or string budget amount on the wire naming budget.amount", async () => {
  await using m = await market();
  const post = (budget: string) =>
    rawRequest(m.sandbox, "/api/v1/market/orders", {
      method: "POST",
      headers: { "content-type": "application/json", "x-agent-pairing-token": m.token },
      body:
        `{"machineId":"${m.machine.id}","agentPairingId":"${m.pairing.id}","serviceId":"svc_sim_echo","budget":${budget}}`,
    });
  // 1e400 parses to Infinity; revision 2 money is a number, never a decimal string.
  for (const budget of ['{"amount":1e400}', '{"amount":-1e400}', '{"amount":"5.00"}']) {
    const res = await post(budget);
    assertEquals(res.status, 400, budget);
    const error = (res.body as { error: { code: string; details: { path: string }[] } }).error;
    assertEquals(error.code, "VALIDATION_ERROR");
    assertEquals(error.details.map((issue) => issue.path), ["budget.amount"], budget);
  }
  // Either part of a budget may be absent or null, and the budget itself may be null.
  for (const budget of ["null", '{"amount":null,"currency":null}', '{"currency":"USDT"}']) {
    assertEquals((await post(budget)).status, 201, budget);
  }
});

Deno.test("createMarketOrder() refuses a NaN budget before sending it, naming budget.amount", async () => {
  await using m = await market();
  // JSON has no NaN: JSON.stringify would send null, so the SDK refuses it locally.
  const error = await assertRejects(
    () =>
      m.api.createMarketOrder({
        ...ids(m),
        serviceId: "svc_sim_complete",
        budget: { amount: Number.NaN, currency: "USDT" },
      }, m.token),
    OrchestrationValidationError,
  );
  assertEquals(error.field, "budget.amount");
  assertEquals(m.sandbox.context.store.orders.size, 0);
});

Deno.test("createMarketOrder() keeps money as JSON numbers, exact to the cent", async () => {
  await using m = await market({}, { perTransactionLimit: 0.3, dailySpendLimit: 0.3 });
  // 0.1 + 0.2 !== 0.3 in floating point; the sandbox's bigint units make it fit exactly.
  const first = await order(m, "svc_sim_complete", {
    input: { prompt: "a" },
    budget: { amount: 0.1, currency: "USDT" },
  });
  assertEquals(first.budget, { amount: 0.1, currency: "USDT" });
  const second = await order(m, "svc_sim_complete", {
    input: { prompt: "b" },
    budget: { amount: 0.3 },
  });
  assertEquals(second.budget, { amount: 0.3 });
  await order(m, "svc_sim_complete", { input: { prompt: "c" } }); // 0.30 of 0.30: fits exactly
  const { item: intent } = await m.api.createPaymentIntent(
    first.id,
    { amount: 0.1, currency: "USDT" },
    m.token,
  );
  assertEquals(intent.amount, 0.1);
  assertEquals(typeof intent.amount, "number");
  const over = await assertApiError(
    order(m, "svc_sim_embed", { input: { text: "x" } }),
    "AGENT_DAILY_LIMIT_EXCEEDED",
    403,
  );
  assertEquals(over.details, { spentToday: 0.3, price: 0.02, limit: 0.3, currency: "USDT" });
});

Deno.test("executeMarketOrder() runs an order whose payment is not required straight from created", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_echo", { input: { message: "hi" } });
  assertEquals(created.status, "created");
  assertEquals(created.payment, created.serviceSnapshot.payment);
  assertEquals([created.payment?.defaultRail, created.payment?.required], ["not-required", false]);
  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  assertEquals(result.order.status, "delivered");
  assertEquals((await m.api.getMarketPayment(created.id)).item, null);
  const { order: confirmed, payment } = await m.api.confirmMarketOrder(created.id, m.token);
  assertEquals([confirmed.status, payment], ["confirmed", null]);
  // A priced order still needs its payment held first.
  const paid = await order(m, "svc_sim_complete", { input: { prompt: "x" } });
  assertEquals(paid.status, "created");
  await assertApiError(m.api.executeMarketOrder(paid.id, {}, m.token), "PAYMENT_REQUIRED", 402);
});
