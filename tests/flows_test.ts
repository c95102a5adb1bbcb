import {
  assert,
  assertEquals,
  assertExists,
  assertFalse,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { Wallet } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import {
  type AgentSession,
  buyService,
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationValidationError,
  pairAgent,
  PeaqosClient,
  registerMachine,
  rotateAgentSession,
} from "../mod.ts";
import { generatePrivateKey, startSandbox } from "../sandbox/mod.ts";
import { createClient, privateKeySigner } from "../signer/mod.ts";

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
  assertEquals(seen, [`${purchase.order.id} intent_created 0.10 USDT`]);
  assertEquals(purchase.payment?.status, "released");
  assertEquals(purchase.payment?.rail, "wallet");
  assertStringIncludes(String(purchase.outcome.output["text"]), "Plan a route");
});

Deno.test("buyService() without a due payment fails like executeMarketOrder()", async () => {
  await using s = await setup();
  const session = await machineWithAgent(s.client);
  const error = await assertRejects(
    () =>
      buyService(s.client, {
        session,
        search: { operation: "complete" },
        input: { prompt: "x" },
      }),
    OrchestrationApiError,
  );
  assertEquals([error.code, error.statusCode], ["PAYMENT_REQUIRED", 402]);
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
