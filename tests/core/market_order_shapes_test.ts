/**
 * The SDK against a scripted server on 127.0.0.1 (contract revision 2 shapes): an order's
 * `payment` is the rail recommendation, a payment record's amounts are JSON numbers, and both are
 * read, and money sent, exactly as they are on the wire.
 */
import { assertEquals, assertStrictEquals } from "@std/assert";
import type { MarketOrder, MarketPayment } from "../../mod.ts";
import { orchestrationFor, PAIRING_TOKEN, startServer } from "../_recording_server.ts";

const ORDER: MarketOrder = {
  id: "ord_1",
  machineId: "mach_1",
  agentPairingId: "pair_1",
  searchId: null,
  quoteId: null,
  serviceId: "svc_1",
  skillKey: "sim.inference",
  providerKey: "peaq-sim",
  serviceType: "inference",
  operation: "complete",
  executionMode: "native",
  integrationStatus: "simulated",
  status: "created",
  input: { prompt: "Hi" },
  budget: { amount: 0.3, currency: "USDT" },
  payment: { defaultRail: "x402", required: true, supportedRails: ["x402", "wallet", "xvv42"] },
  serviceSnapshot: {
    id: "svc_1",
    skillKey: "sim.inference",
    providerKey: "peaq-sim",
    companyName: "peaq",
    serviceType: "inference",
    name: "Completion",
    description: "Text completion",
    operations: ["complete"],
    executionMode: "native",
    integrationStatus: "simulated",
    region: "global",
    capabilities: [],
    handoff: null,
    pricing: { mode: "fixed", amount: 0.1, currency: "USDT", rate: "per_request", notes: [] },
    payment: { defaultRail: "x402", required: true, supportedRails: ["x402"] },
    endpoints: [{ protocols: ["x402"], networks: ["base"] }],
    operationContracts: [{
      operation: "complete",
      summary: "Complete a prompt",
      notes: [],
      inputFields: [{ key: "prompt", type: "string" }],
      outputFields: [{ key: "text", type: "string" }],
      exampleInput: { prompt: "Hi" },
    }],
    metadata: {},
  },
  taskId: null,
  routeId: null,
  runId: null,
  outcomeId: null,
  handoff: null,
  errorMessage: null,
  createdAt: "2026-03-01T12:00:00.000Z",
  updatedAt: "2026-03-01T12:00:00.000Z",
};

const PAYMENT: MarketPayment = {
  id: "pay_1",
  orderId: "ord_1",
  rail: "wdk-usdt-transfer",
  status: "release_pending",
  amount: 0.000125,
  currency: "USDT",
  chain: "peaq",
  token: "0xdac17f958d2ee523a2206206994597c13d831ec7",
  payerAddress: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
  payeeAddress: "0x8ba1f109551bd432803012645ac136ddd64dba72",
  transactionHash: `0x${"ab".repeat(32)}`,
  transactionSignature: null,
  verificationMode: "rpc",
  escrowAddress: null,
  notes: null,
  createdAt: "2026-03-01T12:00:00.000Z",
  updatedAt: "2026-03-01T12:01:00.000Z",
};

Deno.test("getMarketOrder() reads an order whose payment is the rail recommendation, unchanged", async () => {
  await using server = startServer({ body: { item: ORDER } });
  const { item } = await orchestrationFor(server).getMarketOrder("ord_1");
  assertEquals(item, ORDER);
  assertEquals(item.payment?.defaultRail, "x402");
  assertStrictEquals(item.budget?.amount, 0.3);
});

Deno.test("getMarketPayment() and confirmMarketOrder() read number amounts unchanged", async () => {
  await using server = startServer();
  server.enqueue(
    { body: { item: PAYMENT } },
    { body: { order: { ...ORDER, status: "confirmed" }, payment: PAYMENT } },
  );
  const api = orchestrationFor(server);
  const { item } = await api.getMarketPayment("ord_1");
  assertEquals(item, PAYMENT);
  assertStrictEquals(item?.amount, 0.000125);
  const confirmed = await api.confirmMarketOrder("ord_1", PAIRING_TOKEN);
  assertEquals(confirmed.payment, PAYMENT);
  assertEquals(confirmed.order.payment, ORDER.payment);
});

Deno.test("createMarketOrder() and createPaymentIntent() send money as JSON numbers", async () => {
  await using server = startServer();
  server.enqueue({ status: 201, body: { item: ORDER } }, { status: 201, body: { item: PAYMENT } });
  const api = orchestrationFor(server);
  await api.createMarketOrder({
    machineId: "mach_1",
    agentPairingId: "pair_1",
    serviceId: "svc_1",
    budget: { amount: 0.3, currency: "USDT" },
  }, PAIRING_TOKEN);
  await api.createPaymentIntent("ord_1", { amount: 0.000125, currency: "USDT" }, PAIRING_TOKEN);
  const [order, intent] = server.requests;
  assertEquals(JSON.parse(order!.text).budget, { amount: 0.3, currency: "USDT" });
  assertEquals(order!.text.includes('"amount":0.3'), true);
  assertEquals(intent!.text, '{"amount":0.000125,"currency":"USDT"}');
});
