import {
  assert,
  assertEquals,
  assertExists,
  assertFalse,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import { Wallet } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import {
  type AgentSession,
  type AgentSessionRef,
  buyService,
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationPurchaseError,
  OrchestrationValidationError,
  pairAgent,
  PeaqosClient,
  registerMachine,
  rotateAgentSession,
  type Signer,
} from "../../mod.ts";
import { generatePrivateKey, startSandbox } from "../../sandbox/mod.ts";
import { createClient, privateKeySigner } from "../../signer/mod.ts";
import { type Reply, startServer } from "../_recording_server.ts";

type Setup = {
  readonly client: PeaqosClient;
  readonly requests: string[];
  [Symbol.asyncDispose](): Promise<void>;
};

// A sandbox and a client whose signer comes from its privateKey option; `requests` logs calls.
async function setup(): Promise<Setup> {
  const sandbox = await startSandbox();
  const requests: string[] = [];
  const client = createClient({
    orchestrationUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    privateKey: generatePrivateKey(),
    onRequest: (info) => void requests.push(`${info.method} ${new URL(info.url).pathname}`),
  });
  return { client, requests, [Symbol.asyncDispose]: () => sandbox.close() };
}

async function machineWithAgent(
  client: PeaqosClient,
  delegationPolicy?: { dailySpendLimit?: number; perTransactionLimit?: number },
): Promise<AgentSession> {
  const { machine } = await registerMachine(client, { displayName: "M", machineType: "rover" });
  return await pairAgent(client, {
    machineId: machine.id,
    signer: privateKeySigner(generatePrivateKey()),
    agentProvider: "anthropic",
    agentRole: "buyer",
    ...(delegationPolicy ? { delegationPolicy: { ...delegationPolicy, currency: "USDT" } } : {}),
  });
}

const recordedProof = () => ({
  transactionHash: `0x${crypto.randomUUID().replaceAll("-", "").repeat(2)}`,
  verificationMode: "recorded" as const,
});

Deno.test("registerMachine() signs the identity challenge with the client's signer", async () => {
  await using s = await setup();
  const { machine, challenge } = await registerMachine(s.client, {
    displayName: "Rover 7",
    machineType: "rover",
    capabilities: ["lidar"],
  });
  const address = s.client.signer!.address;
  assertEquals(machine.status, "active");
  assertEquals(machine.identityRef, `did:peaq:${address}`);
  assertEquals(machine.identityProof?.signerAddress.toLowerCase(), address.toLowerCase());
  assertEquals(machine.identityProof?.challengeId, challenge.challengeId);
  assertEquals(machine.capabilities, ["lidar"]);
  assertEquals(s.requests, ["POST /api/v1/machine-identity/challenges", "POST /api/v1/machines"]);
  const { items } = await s.client.orchestration.listMachines();
  assertEquals(items.map((m) => m.id), [machine.id]);
});

Deno.test("registerMachine() takes a viem account and can leave the machine a draft", async () => {
  await using s = await setup();
  const account = privateKeyToAccount(generatePrivateKey() as `0x${string}`);
  const { machine } = await registerMachine(s.client, {
    signer: account,
    displayName: "Draft",
    machineType: "arm",
    activate: false,
  });
  assertEquals(machine.status, "draft");
  assertEquals(machine.identityRef, `did:peaq:${account.address}`);
  assertExists(machine.identityProof);
});

Deno.test("registerMachine() without any signer fails before any request", async () => {
  await using sandbox = await startSandbox();
  let requests = 0;
  const client = new PeaqosClient({
    orchestrationUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    onRequest: () => void requests++,
  });
  const error = await assertRejects(
    () => registerMachine(client, { displayName: "M", machineType: "rover" }),
    OrchestrationConfigError,
  );
  assertStringIncludes(error.message, "'signer'");
  assertEquals(requests, 0);
});

Deno.test("registerMachine() rejects a key that does not control the identity like createMachine()", async () => {
  await using s = await setup();
  const other = privateKeySigner(generatePrivateKey());
  const error = await assertRejects(
    () =>
      registerMachine(s.client, {
        identityRef: `did:peaq:${other.address}`,
        displayName: "Stolen",
        machineType: "rover",
      }),
    OrchestrationApiError,
  );
  assertEquals(error.code, "MACHINE_IDENTITY_PROOF_INVALID");
  assertEquals((await s.client.orchestration.listMachines()).items, []);
});

Deno.test("pairAgent() pairs an ethers wallet and hides the token from printing", async () => {
  await using s = await setup();
  const { machine } = await registerMachine(s.client, { displayName: "M", machineType: "rover" });
  const wallet = new Wallet(generatePrivateKey());
  const session = await pairAgent(s.client, {
    machineId: machine.id,
    signer: wallet,
    agentProvider: "openai",
    agentRole: "buyer",
    description: "Procurement bot",
  });
  assertEquals(session.pairing.agentAddress.toLowerCase(), wallet.address.toLowerCase());
  assertEquals(
    session.pairing.verification?.signerAddress.toLowerCase(),
    wallet.address.toLowerCase(),
  );
  assertEquals(session.pairing.status, "active");
  assertMatch(session.pairingToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  for (const text of [JSON.stringify(session), Deno.inspect(session, { depth: 10 })]) {
    assertFalse(text.includes(session.pairingToken), text);
    assertStringIncludes(text, "[REDACTED]");
  }
  // The token is live: the agent can search with it.
  const { item } = await s.client.orchestration.searchMarket(
    { machineId: machine.id, agentPairingId: session.pairing.id, operation: "echo" },
    session.pairingToken,
  );
  assertEquals(item.status, "matched");
});

Deno.test("rotateAgentSession() restores a token superseded by a policy change", async () => {
  await using s = await setup();
  const { machine } = await registerMachine(s.client, { displayName: "M", machineType: "rover" });
  const agentKey = generatePrivateKey();
  const session = await pairAgent(s.client, {
    machineId: machine.id,
    signer: privateKeySigner(agentKey),
    agentProvider: "anthropic",
    agentRole: "buyer",
  });
  const api = s.client.orchestration;
  await api.updateAgentPairing(machine.id, session.pairing.id, {
    delegationPolicy: { dailySpendLimit: 10, currency: "USDT" },
  });
  const search = { machineId: machine.id, agentPairingId: session.pairing.id, operation: "echo" };
  const stale = await assertRejects(
    () => api.searchMarket(search, session.pairingToken),
    OrchestrationApiError,
  );
  assertEquals(stale.code, "AGENT_AUTH_INVALID");

  const fresh = await rotateAgentSession(s.client, {
    pairing: session.pairing,
    signer: new Wallet(agentKey),
  });
  assertNotEquals(fresh.pairingToken, session.pairingToken);
  assertNotEquals(fresh.pairing.sessionId, session.pairing.sessionId);
  assertFalse(JSON.stringify(fresh).includes(fresh.pairingToken));
  assertEquals((await api.searchMarket(search, fresh.pairingToken)).item.status, "matched");
});

Deno.test("rotateAgentSession() refuses a signer other than the agent before any request", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const before = s.requests.length;
  const error = await assertRejects(
    () => rotateAgentSession(s.client, { pairing: session.pairing }), // the client's own key
    OrchestrationValidationError,
  );
  assertEquals(error.field, "signer");
  assertEquals(s.requests.length, before);
});

Deno.test("buyService() buys a free native service and confirms it", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const before = s.requests.length;
  const purchase = await buyService(s.client, {
    session,
    search: { operation: "echo" },
    input: { message: "ping" },
  });
  assert(purchase.status === "confirmed");
  assertEquals(purchase.order.status, "confirmed");
  assertEquals(purchase.quote.serviceId, purchase.order.serviceId);
  assertEquals(purchase.outcome.output["message"], "ping");
  assertEquals(purchase.run.id, purchase.order.runId);
  assertEquals(s.requests.slice(before).map((r) => r.split(" ")[1]!.split("/").at(-1)), [
    "search",
    "orders",
    "execute",
    "confirm",
  ]);
});

Deno.test("buyService() pays with the given proof, then confirms and releases", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const seen: string[] = [];
  const purchase = await buyService(s.client, {
    session,
    search: { operation: "complete" },
    input: { prompt: "Plan a route" },
    rail: "wallet",
    paymentProof: ({ payment, order }) => {
      seen.push(`${order.id} ${payment.status} ${payment.amount} ${payment.currency}`);
      return recordedProof();
    },
  });
  assert(purchase.status === "confirmed");
  assertEquals(seen, [`${purchase.order.id} intent_created 0.1 USDT`]);
  assertEquals(purchase.payment?.status, "released");
  assertEquals(purchase.payment?.rail, "wallet");
  assertStringIncludes(String(purchase.outcome.output["text"]), "Plan a route");
});

Deno.test("buyService() without a due payment fails at execute with the order id and the API error", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const error = await assertRejects(
    () =>
      buyService(s.client, {
        session,
        search: { operation: "complete" },
        input: { prompt: "x" },
      }),
    OrchestrationPurchaseError,
  );
  assertEquals(error.step, "execute");
  assert(error.cause instanceof OrchestrationApiError);
  assertEquals([error.cause.code, error.cause.statusCode], ["PAYMENT_REQUIRED", 402]);
  assertEquals(
    (await s.client.orchestration.getMarketOrder(error.orderId)).item.status,
    "payment_pending",
  );
});

Deno.test("buyService() hands off external services and stops at delivery on request", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const handoff = await buyService(s.client, {
    session,
    search: { operation: "lookup" },
    input: { topic: "brake pads" },
  });
  assert(handoff.status === "handoff");
  assertEquals(handoff.order.status, "handoff");
  assertMatch(handoff.handoff.url, /^https:\/\//);

  const delivered = await buyService(s.client, {
    session,
    search: { operation: "echo" },
    confirm: false,
  });
  assert(delivered.status === "delivered");
  assertEquals(delivered.order.status, "delivered");
});

Deno.test("buyService() reports no_match without placing an order", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const purchase = await buyService(s.client, {
    session,
    search: { operation: "complete" },
    selectQuote: () => undefined,
  });
  assertEquals(purchase.status, "no_match");
  const nothing = await buyService(s.client, { session, search: { operation: "teleport" } });
  assertEquals([nothing.status, nothing.search.status, nothing.search.quotes], [
    "no_match",
    "no_match",
    [],
  ]);
  const { items } = await s.client.orchestration.listMarketOrders({
    machineId: session.pairing.machineId,
  });
  assertEquals(items, []);
});

Deno.test("buyService() surfaces the daily spend limit from createMarketOrder()", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client, { dailySpendLimit: 0.15 });
  const buy = () =>
    buyService(s.client, {
      session,
      search: { operation: "complete" },
      input: { prompt: "x" },
      paymentProof: recordedProof,
    });
  assertEquals((await buy()).status, "confirmed");
  const error = await assertRejects(buy, OrchestrationApiError);
  assertEquals(error.code, "AGENT_DAILY_LIMIT_EXCEEDED");
});

// ---- Hostile or broken servers: every failure of a flow is an OrchestrationError ----

/** A server answering each path (without `/api/v1`) with its reply; anything else 404. */
function hostile(routes: Readonly<Record<string, Reply>>) {
  return startServer((request) =>
    routes[request.path.replace(/^\/api\/v1/, "")] ??
      { status: 404, body: { error: { code: "NOT_FOUND", message: request.path } } }
  );
}

function clientFor(server: { readonly url: string }, signer?: Signer): PeaqosClient {
  return new PeaqosClient({
    orchestrationUrl: server.url,
    signer: signer ?? privateKeySigner(generatePrivateKey()),
  });
}

const AGENT = privateKeySigner(generatePrivateKey());
const PAIRING = {
  id: "p-1",
  machineId: "m-1",
  agentAddress: AGENT.address,
  agentProvider: "anthropic",
  agentRole: "buyer",
  agentDid: null,
};
const SESSION: AgentSessionRef = {
  pairing: { id: "p-1", machineId: "m-1" },
  pairingToken: "pt-hostile",
};
const QUOTE = {
  id: "q-1",
  serviceId: "s-1",
  payment: { defaultRail: "not-required", required: false },
};
const MATCHED = { item: { id: "srch-1", status: "matched", quotes: [QUOTE] } };
const ORDER = { id: "o-1", status: "created", payment: null };

async function assertShapeError(run: () => Promise<unknown>, what: string): Promise<void> {
  const error = await assertRejects(run, OrchestrationApiError);
  assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
  assertStringIncludes(error.message, what);
}

Deno.test("registerMachine() rejects a challenge of {item: null} or without a message, never a TypeError", async () => {
  await using server = hostile({ "/machine-identity/challenges": { body: { item: null } } });
  const client = clientFor(server);
  await assertShapeError(
    () => registerMachine(client, { displayName: "M", machineType: "r" }),
    "item",
  );
  server.respond({ body: { item: { challengeId: "c-1" } } });
  await assertShapeError(
    () => registerMachine(client, { displayName: "M", machineType: "r" }),
    "'item.message'",
  );
  // Nothing was created from a challenge the flow could not sign.
  assertFalse(server.requests.some((r) => r.path.endsWith("/machines")));
});

Deno.test("pairAgent() and rotateAgentSession() reject {item: null} answers with INVALID_RESPONSE_SHAPE", async () => {
  await using server = hostile({
    "/machines/m-1/agent-pairings/challenges": { body: { item: null } },
  });
  const client = clientFor(server, AGENT);
  const pair = () =>
    pairAgent(client, { machineId: "m-1", agentProvider: "anthropic", agentRole: "buyer" });
  await assertShapeError(pair, "item");
  await assertShapeError(() => rotateAgentSession(client, { pairing: PAIRING }), "item");
  // A good challenge, then a pairing of null or one without its token.
  server.respond((request) =>
    request.path.endsWith("/challenges")
      ? { body: { item: { challengeId: "c-1", message: "sign me" } } }
      : { body: { item: request.path.endsWith("/sessions") ? { ...PAIRING } : null } }
  );
  await assertShapeError(pair, "item");
  await assertShapeError(
    () => rotateAgentSession(client, { pairing: PAIRING }),
    "'item.pairingToken'",
  );
});

Deno.test("buyService() rejects a matched search without quotes with INVALID_RESPONSE_SHAPE", async () => {
  await using server = hostile({
    "/market/search": { body: { item: { id: "srch-1", status: "matched" } } },
  });
  const client = clientFor(server);
  await assertShapeError(() => buyService(client, { session: SESSION, search: {} }), "quotes");
  server.respond({ body: { item: { id: "srch-1", status: "matched", quotes: [null] } } });
  await assertShapeError(() => buyService(client, { session: SESSION, search: {} }), "quote");
  server.respond({ body: { item: null } });
  await assertShapeError(() => buyService(client, { session: SESSION, search: {} }), "item");
  assertFalse(server.requests.some((r) => r.path.endsWith("/market/orders")));
});

Deno.test("buyService() rejects an order and quote without a payment recommendation", async () => {
  await using server = hostile({
    "/market/search": {
      body: { item: { ...MATCHED.item, quotes: [{ id: "q-1", serviceId: "s" }] } },
    },
    "/market/orders": { body: { item: ORDER } },
  });
  await assertShapeError(
    () => buyService(clientFor(server), { session: SESSION, search: {} }),
    "payment.defaultRail",
  );
  assertFalse(server.requests.some((r) => r.path.endsWith("/execute")));
});

Deno.test("buyService() rejects a native execution without run and outcome", async () => {
  await using server = hostile({
    "/market/search": { body: MATCHED },
    "/market/orders": { body: { item: ORDER } },
    "/market/orders/o-1/execute": {
      body: { order: ORDER, execution: { statusCode: 200, mode: "native" } },
    },
  });
  await assertShapeError(
    () => buyService(clientFor(server), { session: SESSION, search: {} }),
    "execution.run",
  );
  server.respond({ body: { order: ORDER, execution: { statusCode: 202 } } });
});

Deno.test("flows wrap a signer's or a callback's own error in an OrchestrationError with the cause", async () => {
  const boom = new RangeError("hardware wallet unplugged");
  const brokenSigner: Signer = {
    address: AGENT.address,
    signMessage: () => Promise.reject(boom),
  };
  await using server = hostile({
    "/machine-identity/challenges": { body: { item: { challengeId: "c-1", message: "m" } } },
    "/market/search": { body: MATCHED },
    "/market/orders": {
      body: { item: { ...ORDER, payment: { defaultRail: "wallet", required: true } } },
    },
    "/market/orders/o-1/payment-intent": {
      body: { item: { id: "pay-1", orderId: "o-1", status: "intent_created" } },
    },
  });
  const client = clientFor(server, brokenSigner);
  const signing = await assertRejects(
    () => registerMachine(client, { displayName: "M", machineType: "r" }),
    OrchestrationError,
  );
  assertStrictEquals(signing.cause, boom);
  assertStringIncludes(signing.message, "hardware wallet unplugged");

  const proof = await assertRejects(
    () =>
      buyService(client, {
        session: SESSION,
        search: {},
        paymentProof: () => {
          throw boom;
        },
      }),
    OrchestrationPurchaseError,
  );
  assertStrictEquals(proof.cause, boom);
  assertEquals([proof.step, proof.orderId], ["payment proof", "o-1"]);
  assertStringIncludes(proof.message, "hardware wallet unplugged");

  const picked = await assertRejects(
    () => buyService(client, { session: SESSION, search: {}, selectQuote: () => "q-1" as never }),
    OrchestrationValidationError,
  );
  assertEquals(picked.field, "selectQuote");
});
