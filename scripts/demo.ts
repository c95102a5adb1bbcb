/**
 * `deno task demo`: the whole Machine Markets story against an in-process sandbox, through the
 * SDK, offline, in a few seconds. A machine proves its identity and is activated, its machine
 * agent heartbeats a local runtime endpoint, an AI agent pairs with a signed proof and buys
 * three services — a native run forwarded to the machine's runtime, an external handoff, and
 * one it disputes — and a second agent buys an x402 service ordered from its operation
 * contract's example input, paying with a signed EIP-3009 authorization, while a local receiver
 * verifies every signed webhook.
 *
 * Prints ids, addresses and amounts; never tokens, keys or signatures. Exits 0 on success.
 *
 * @module
 */
import {
  buyService,
  type MarketOrder,
  type MarketQuote,
  PeaqosClient,
  verifyWebhook,
} from "../mod.ts";
import { privateKeySigner } from "../signer/mod.ts";
import { createWallet, startSandbox } from "../sandbox/mod.ts";

const CURRENCY = "USDT";
const DAILY_LIMIT = 50;
const EXPECTED_WEBHOOKS = 27;

type Server = { readonly url: string; close(): Promise<void> };

async function serve(handler: (request: Request) => Response | Promise<Response>): Promise<Server> {
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (addr) => resolve(addr as Deno.NetAddr) },
    handler,
  );
  const { port } = await promise;
  return { url: `http://127.0.0.1:${port}`, close: () => server.shutdown() };
}

function step(label: string, text: string): void {
  console.log(`${label.padEnd(11)} ${text}`);
}

function detail(text: string): void {
  console.log(`${" ".repeat(12)}${text}`);
}

function pick(quotes: readonly MarketQuote[], serviceId: string): MarketQuote {
  const quote = quotes.find((candidate) => candidate.serviceId === serviceId);
  if (!quote) throw new Error(`No quote for '${serviceId}'`);
  return quote;
}

let txCounter = 0;
function demoTransactionHash(): string {
  txCounter++;
  return `0x${"de40".repeat(15)}${txCounter.toString(16).padStart(4, "0")}`;
}

async function main(): Promise<void> {
  // A local receiver verifies each webhook's Standard Webhooks signature before counting it.
  const webhookSecret = `whsec_${
    btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))
  }`;
  const verified: string[] = [];
  const receiver = await serve(async (request) => {
    const body = await request.text();
    try {
      const { event } = await verifyWebhook(body, request.headers, webhookSecret);
      verified.push(event.type);
      return new Response(null, { status: 204 });
    } catch {
      return new Response(null, { status: 400 });
    }
  });
  // The machine's own model runtime (think: Ollama on the robot), reached by the platform.
  const runtime = await serve(async (request) => {
    const { input } = await request.json() as { input: { prompt?: string } };
    return Response.json({
      output: { text: `Route A is clear; battery at 82%. (${input.prompt ?? ""})` },
      summary: "Answered by the machine's local model",
    });
  });
  const sandbox = await startSandbox({
    webhooks: [{ url: `${receiver.url}/webhooks`, secret: webhookSecret }],
  });
  try {
    await story(sandbox.url, sandbox.apiKey, runtime.url);
    for (let i = 0; i < 1000 && verified.length < EXPECTED_WEBHOOKS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    console.log(
      `            ${verified.length} webhooks delivered and verified (Standard Webhooks)`,
    );
  } finally {
    await sandbox.close();
    await runtime.close();
    await receiver.close();
  }
}

async function story(url: string, apiKey: string, runtimeUrl: string): Promise<void> {
  const api = new PeaqosClient({ orchestrationUrl: url, apiKey }).orchestration;
  console.log(`peaq OS SDK demo: in-process sandbox at ${url}\n`);

  // 1. Identity: a generated controller key signs the challenge; the machine is activated.
  const controller = createWallet();
  const identityRef = `did:peaq:${controller.address}`;
  const { item: challenge } = await api.createMachineIdentityChallenge({ identityRef });
  step("Identity", `challenge ${challenge.challengeId} for ${identityRef}`);
  const { item: machine } = await api.createMachine({
    displayName: "Demo Rover",
    machineType: "rover",
    status: "active",
    identityRef,
    identityProof: {
      challengeId: challenge.challengeId,
      signature: controller.signMessage(challenge.message),
    },
  });
  detail(
    `signed by a generated key (EIP-191), recovered to ${machine.identityProof?.signerAddress}`,
  );
  step(
    "Machine",
    `${machine.id} "${machine.displayName}" created: ${machine.status}, identity verified`,
  );

  // 2. The machine agent enrolls and heartbeats its local runtime endpoint.
  const { item: enrolled } = await api.enrollMachineAgent(machine.id, {
    label: "rover-agent",
    allowedProviderKeys: ["ollama"],
  });
  const heartbeat = await api.machineAgentHeartbeat({
    agentToken: enrolled.provisioningToken,
    endpoints: [{ providerKey: "ollama", endpointBaseUrl: runtimeUrl, networkScope: "loopback" }],
    leaseSeconds: 300,
  });
  step("Agent", `machine agent ${enrolled.id} enrolled for 'ollama' and heartbeating`);
  detail(
    `endpoint ${heartbeat.endpoints[0]?.endpointBaseUrl} (source ${
      heartbeat.endpoints[0]?.source
    }, lease until ${heartbeat.leaseExpiresAt})`,
  );

  // 3. An AI agent pairs with a signed proof under a delegation policy.
  const agentWallet = createWallet();
  const agentFields = {
    agentAddress: agentWallet.address,
    agentProvider: "anthropic",
    agentRole: "buyer",
  };
  const { item: pairingChallenge } = await api.createAgentPairingChallenge(machine.id, agentFields);
  const { item: pairing } = await api.createAgentPairing(machine.id, {
    ...agentFields,
    description: "Fleet assistant",
    delegationPolicy: { dailySpendLimit: DAILY_LIMIT, perTransactionLimit: 30, currency: CURRENCY },
    agentProof: {
      challengeId: pairingChallenge.challengeId,
      signature: agentWallet.signMessage(pairingChallenge.message),
    },
  });
  const token = pairing.pairingToken;
  const ids = { machineId: machine.id, agentPairingId: pairing.id };
  step("Pairing", `agent ${agentWallet.address} paired as ${pairing.id} with a signed proof`);
  detail(
    `delegation: ${pairing.delegationPolicy.perTransactionLimit} per order, ${pairing.delegationPolicy.dailySpendLimit} ${CURRENCY} per day`,
  );

  // 4. Search, order, pay, execute natively on the machine's runtime, confirm.
  const { item: search } = await api.searchMarket(
    { ...ids, query: "chat llm", budget: { max: 1, currency: CURRENCY } },
    token,
  );
  step(
    "Search",
    `'chat llm' under 1 ${CURRENCY}: ${search.status}, ${search.quotes.length} quotes`,
  );
  for (const quote of search.quotes.slice(0, 3)) {
    detail(
      `${quote.score.toFixed(3)}  ${
        quote.serviceId.padEnd(18)
      } ${quote.pricing.amount} ${quote.pricing.currency}  ${quote.reasons.join("; ")}`,
    );
  }
  const chat = pick(search.quotes, "svc_ollama_chat");
  const { item: order } = await api.createMarketOrder({
    ...ids,
    serviceId: chat.serviceId,
    searchId: search.id,
    quoteId: chat.id,
    operation: "complete",
    input: { prompt: "Is route A clear?" },
  }, token);
  step("Order", `${order.id} for ${order.serviceId}: ${order.status}`);
  await pay(api, order, token);
  const native = await api.executeMarketOrder(order.id, {}, token);
  if (native.execution.statusCode !== 200) throw new Error("Expected a native execution");
  step(
    "Execute",
    `native run ${native.execution.run.id} ${native.execution.run.status} on the machine's 'ollama' endpoint`,
  );
  detail(`output: "${native.execution.outcome.output.text}"`);
  const confirmed = await api.confirmMarketOrder(order.id, token);
  step("Confirm", `order ${confirmed.order.status}, payment ${confirmed.payment?.status}`);
  // Confirming leaves a held payment release_pending; the release pays the provider.
  const { item: released } = await api.releasePayment(order.id, undefined, token);
  step("Release", `payment ${released.status}`);

  // 5. An external handoff: the provider finishes the job on its own site.
  const { item: rides } = await api.searchMarket({
    ...ids,
    query: "ride",
  }, token);
  const ride = pick(rides.quotes, "svc_ride_handoff");
  step(
    "Search",
    `'ride': quote ${ride.id} at ${ride.pricing.amount} ${ride.pricing.currency} (${ride.pricing.mode})`,
  );
  const { item: rideOrder } = await api.createMarketOrder({
    ...ids,
    serviceId: ride.serviceId,
    quoteId: ride.id,
    input: { pickup: "Depot 4", dropoff: "Charging hub" },
  }, token);
  step("Order", `${rideOrder.id} for ${rideOrder.serviceId}: ${rideOrder.status}`);
  await pay(api, rideOrder, token);
  const handoff = await api.executeMarketOrder(rideOrder.id, {}, token);
  if (handoff.execution.statusCode !== 202) throw new Error("Expected an external handoff");
  step("Handoff", `202 → ${handoff.execution.handoff.label}: ${handoff.execution.handoff.url}`);
  const rideConfirmed = await api.confirmMarketOrder(rideOrder.id, token);
  step("Confirm", `order ${rideConfirmed.order.status}, payment ${rideConfirmed.payment?.status}`);
  const { item: rideReleased } = await api.releasePayment(rideOrder.id, undefined, token);
  step("Release", `payment ${rideReleased.status}`);

  // 6. A dispute freezes the escrowed payment.
  const { item: routes } = await api.searchMarket({ ...ids, query: "route planning" }, token);
  const route = pick(routes.quotes, "svc_sim_route");
  const { item: routeOrder } = await api.createMarketOrder({
    ...ids,
    serviceId: route.serviceId,
    quoteId: route.id,
    input: { from: "Depot 4", to: "Harbour" },
  }, token);
  step("Order", `${routeOrder.id} for ${routeOrder.serviceId}: ${routeOrder.status}`);
  await pay(api, routeOrder, token);
  const planned = await api.executeMarketOrder(routeOrder.id, {}, token);
  step(
    "Execute",
    `${planned.order.status}: ${
      planned.execution.statusCode === 200 ? planned.execution.outcome.summary : ""
    }`,
  );
  const disputed = await api.disputeMarketOrder(routeOrder.id, {
    reason: "Route crosses a closed bridge",
    evidence: { bridge: "B-12" },
  }, token);
  step(
    "Dispute",
    `${disputed.dispute.id} opened: order ${disputed.order.status}, payment ${disputed.payment?.status}`,
  );

  // 7. A second agent, budgeted in USDC, buys an x402 service: ordered from the operation
  //    contract's example input, paid by a signed EIP-3009 authorization (no transaction of its
  //    own), settled by the platform at execute.
  const { item: feed } = await api.getMarketService("svc_x402_price_feed");
  const contract = feed.operationContracts[0]!;
  step(
    "Service",
    `${feed.id} "${feed.name}": ${feed.pricing.amount} ${feed.pricing.currency} ${feed.pricing.rate}, rail '${feed.payment.defaultRail}'`,
  );
  detail(
    `operation '${contract.operation}', example input ${JSON.stringify(contract.exampleInput)}`,
  );
  const buyerWallet = createWallet();
  const buyerFields = {
    agentAddress: buyerWallet.address,
    agentProvider: "openai",
    agentRole: "buyer",
  };
  const { item: buyerChallenge } = await api.createAgentPairingChallenge(machine.id, buyerFields);
  const { item: buyer } = await api.createAgentPairing(machine.id, {
    ...buyerFields,
    delegationPolicy: { dailySpendLimit: 5, perTransactionLimit: 1, currency: "USDC" },
    agentProof: {
      challengeId: buyerChallenge.challengeId,
      signature: buyerWallet.signMessage(buyerChallenge.message),
    },
  });
  step("Pairing", `agent ${buyerWallet.address} paired as ${buyer.id} (5 USDC per day)`);
  const steps: string[] = [];
  const purchase = await buyService(new PeaqosClient({ orchestrationUrl: url }), {
    session: { pairing: buyer, pairingToken: buyer.pairingToken },
    search: { serviceType: feed.serviceType, operation: contract.operation },
    selectQuote: (quotes) => quotes.find((quote) => quote.serviceId === feed.id),
    operation: contract.operation,
    input: contract.exampleInput,
    signer: privateKeySigner(buyerWallet.privateKey),
    onStep: (current) => void steps.push(current.name),
  });
  if (purchase.status !== "confirmed") throw new Error(`Expected a confirmed x402 purchase`);
  step("x402", steps.slice(2).join(" → "));
  detail(
    `${purchase.order.id}: price ${purchase.outcome.output.price} for ${purchase.outcome.output.pair}; payment ${purchase.payment?.status}, settled in ${
      purchase.payment?.transactionHash?.slice(0, 10)
    }…`,
  );

  // Summary, from the platform's side.
  const { items } = await api.listMarketOrders({ machineId: machine.id });
  // An order's `payment` is the rail recommendation; the payment record is getMarketPayment.
  const payments = await Promise.all(
    items.map(async (item) => (await api.getMarketPayment(item.id)).item),
  );
  // Money is a JSON number on the wire; add it up in cents (the demo's prices have at most 2
  // decimals) per currency.
  const spent = new Map<string, number>();
  for (const payment of payments) {
    if (!payment) continue;
    spent.set(payment.currency, (spent.get(payment.currency) ?? 0) + toCents(payment.amount));
  }
  console.log("\nSummary");
  detail(
    `${items.length} orders: ${items.map((item) => `${item.serviceId} ${item.status}`).join(", ")}`,
  );
  detail(
    `spent ${
      [...spent].map(([currency, cents]) => `${cents / 100} ${currency}`).join(" and ")
    } today (limits ${DAILY_LIMIT} ${CURRENCY} and 5 USDC); payments ${
      payments.map((payment) => payment?.status).join(", ")
    }`,
  );
}

// Display only: amounts here have at most 2 decimals.
function toCents(amount: number): number {
  return Math.round(amount * 100);
}

async function pay(
  api: PeaqosClient["orchestration"],
  order: MarketOrder,
  token: string,
): Promise<void> {
  const { item: intent } = await api.createPaymentIntent(order.id, {}, token);
  if (intent.rail === "escrow" || intent.rail === "onchain-escrow") {
    const { item } = await api.lockEscrowPayment(order.id, {
      transactionHash: demoTransactionHash(),
      chain: "peaq",
      escrowAddress: "0x00000000000000000000000000000000000e5c20",
    }, token);
    step(
      "Payment",
      `intent ${intent.id}: ${intent.amount} ${intent.currency} on '${intent.rail}' → escrow locked → ${item.status}`,
    );
    return;
  }
  const { item } = await api.submitPaymentProof(order.id, {
    transactionHash: demoTransactionHash(),
    verificationMode: "recorded",
  }, token);
  step(
    "Payment",
    `intent ${intent.id}: ${intent.amount} ${intent.currency} on '${intent.rail}' → proof recorded → ${item.status}`,
  );
}

try {
  const started = performance.now();
  await main();
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
} catch (err) {
  console.error(`Demo failed: ${err instanceof Error ? err.message : String(err)}`);
  Deno.exit(1);
}
