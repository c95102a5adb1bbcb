// A plain ESM script, run by Node, Bun and Deno from a fresh npm project that installed the
// packed @peaqos/peaq-os-sandbox and @peaqos/peaq-os-sdk tarballs: starts a sandbox in this
// process, runs a short SDK story against it (machine with an identity proof, pairing, search,
// order through two injected 503s, payment, execution, confirmation, release), stops it, and
// must then exit by itself (no open handle). Prints one line per step and "story ok".
import { createWallet, startSandbox } from "@peaqos/peaq-os-sandbox";
import { PeaqosClient } from "@peaqos/peaq-os-sdk";

function check(condition, message) {
  if (!condition) throw new Error(`Check failed: ${message}`);
}

const runtime = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
const sandbox = await startSandbox({ testControls: true });
try {
  check(/^http:\/\/127\.0\.0\.1:\d+$/.test(sandbox.url), `url ${sandbox.url}`);
  const api = new PeaqosClient({
    orchestrationUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10 },
  }).orchestration;

  const owner = createWallet();
  const identityRef = `did:peaq:${owner.address}`;
  const { item: challenge } = await api.createMachineIdentityChallenge({ identityRef });
  const { item: machine } = await api.createMachine({
    displayName: "Rover 7",
    machineType: "rover",
    status: "active",
    identityRef,
    identityProof: {
      challengeId: challenge.challengeId,
      signature: owner.signMessage(challenge.message),
    },
  });
  check(machine.identityProof?.signerAddress === owner.address, "identity proof signer");
  console.log(`machine ${machine.id} verified`);

  const agent = createWallet();
  const who = { agentAddress: agent.address, agentProvider: "anthropic", agentRole: "buyer" };
  const { item: pairingChallenge } = await api.createAgentPairingChallenge(machine.id, who);
  const { item: pairing } = await api.createAgentPairing(machine.id, {
    ...who,
    agentProof: {
      challengeId: pairingChallenge.challengeId,
      signature: agent.signMessage(pairingChallenge.message),
    },
    delegationPolicy: { dailySpendLimit: 10, currency: "USDT" },
  });
  const token = pairing.pairingToken;
  check(!JSON.stringify(pairing).includes(token), "pairing token redacted in JSON");
  console.log(`pairing ${pairing.id} active`);

  const ids = { machineId: machine.id, agentPairingId: pairing.id };
  const { item: search } = await api.searchMarket({ ...ids, query: "completion" }, token);
  const quote = search.quotes.find((q) => q.serviceId === "svc_sim_complete");
  check(quote, `a quote for svc_sim_complete: ${search.quotes.map((q) => q.serviceId)}`);
  console.log(`search ${search.id}: ${search.quotes.length} quotes`);

  await sandbox.controls.fail("POST /market/orders", 503, 2);
  const { item: order } = await api.createMarketOrder({
    ...ids,
    serviceId: quote.serviceId,
    searchId: search.id,
    quoteId: quote.id,
    operation: "complete",
    input: { prompt: "Is route A clear?" },
  }, token, { headers: { "idempotency-key": `order-${runtime}` } });
  check((await sandbox.controls.faults()).length === 0, "both injected 503s were retried");
  console.log(`order ${order.id} created through two injected 503s`);

  const { item: intent } = await api.createPaymentIntent(order.id, {}, token);
  const { item: paid } = await api.submitPaymentProof(order.id, {
    transactionHash: `0x${"ab".repeat(32)}`,
    verificationMode: "recorded",
  }, token);
  check(paid.status === "held", `payment held, got ${paid.status} (${intent.rail})`);
  const executed = await api.executeMarketOrder(order.id, {}, token);
  check(executed.execution.statusCode === 200, "native execution");
  check(executed.execution.outcome.output.text.startsWith("[sim]"), "simulated output");
  const confirmed = await api.confirmMarketOrder(order.id, token);
  const { item: released } = await api.releasePayment(order.id, undefined, token);
  check(confirmed.order.status === "confirmed", `confirmed, got ${confirmed.order.status}`);
  check(released.status === "released", `released, got ${released.status}`);
  console.log(`order ${order.id} executed, confirmed, payment released`);

  const state = await sandbox.controls.state();
  check(state.counts.orders === 1 && state.counts.machines === 1, "one order, one machine");
  check(!JSON.stringify(state).includes(token), "state snapshot redacted");
  const doc = await (await fetch(`${sandbox.url}/openapi.json`)).json();
  check(doc.openapi === "3.1.0", "openapi.json served");
} finally {
  await sandbox.close();
}
console.log(`story ok on ${runtime}`);
