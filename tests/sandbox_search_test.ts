/**
 * Sandbox market search, end to end through the SDK over 127.0.0.1: ranking with scores and
 * reasons, quote expiry on the sandbox clock, no_match, maxPrice, the delegation policy's
 * allow/deny lists and the pairing checks.
 */
import { assert, assertEquals, assertExists } from "@std/assert";
import { createWallet } from "../sandbox/mod.ts";
import { ids, market } from "./_market.ts";
import { assertApiError, manualClock, pairAgent, rawRequest } from "./_sandbox_platform.ts";

Deno.test("searchMarket() ranks quotes best first with numeric scores and human reasons", async () => {
  await using m = await market();
  const { item } = await m.api.searchMarket({ ...ids(m), query: "route planning maps" }, m.token);
  assertEquals(item.status, "matched");
  assertEquals(item.machineId, m.machine.id);
  assertEquals(item.agentPairingId, m.pairing.id);
  assert(item.quotes.length >= 2);
  assertEquals(item.quotes[0]?.serviceId, "svc_sim_route");
  for (let i = 1; i < item.quotes.length; i++) {
    assert(item.quotes[i - 1]!.score >= item.quotes[i]!.score, "sorted by score");
  }
  for (const quote of item.quotes) {
    assertEquals(typeof quote.score, "number");
    assert(quote.score > 0 && quote.score <= 1);
    assert(quote.reasons.length > 0);
    assert(quote.reasons.every((reason) => typeof reason === "string" && reason.length > 0));
  }
  assert(item.quotes[0]!.reasons.some((reason) => reason.includes("'route'")));
});

Deno.test("searchMarket() quotes carry pricing, payment rail and a 10-minute expiry on the sandbox clock", async () => {
  const clock = manualClock("2026-05-01T08:00:00.000Z");
  await using m = await market({ now: clock.now });
  const { item } = await m.api.searchMarket({ ...ids(m), skillKey: "sim.storage" }, m.token);
  assertEquals(item.createdAt, "2026-05-01T08:00:00.000Z");
  const quote = item.quotes[0];
  assertExists(quote);
  assertEquals(quote.serviceId, "svc_sim_store");
  assertEquals(quote.expiresAt, "2026-05-01T08:10:00.000Z");
  // A quote-required service is priced by its quote.
  assertEquals(quote.pricing.mode, "quote-required");
  assertEquals(quote.pricing.amount, "3.40");
  assertEquals(quote.payment, { defaultRail: "offchain-record", required: true });
  assertEquals(quote.operation, "store");

  const free = await m.api.searchMarket({ ...ids(m), operation: "echo" }, m.token);
  assertEquals(free.item.quotes[0]?.payment, { defaultRail: "not-required", required: false });
  assert(free.item.quotes[0]!.reasons.includes("Free"));
});

Deno.test("getMarketSearch() reads a search back with platform auth", async () => {
  await using m = await market();
  const { item } = await m.api.searchMarket({ ...ids(m), serviceType: "energy" }, m.token);
  const { item: again } = await m.api.getMarketSearch(item.id);
  assertEquals(again, item);
  await assertApiError(m.api.getMarketSearch("srch_missing"), "NOT_FOUND", 404);
});

Deno.test("searchMarket() answers no_match with no quotes when nothing fits", async () => {
  await using m = await market();
  const { item } = await m.api.searchMarket(
    { ...ids(m), query: "quantum teleportation" },
    m.token,
  );
  assertEquals(item.status, "no_match");
  assertEquals(item.quotes, []);
  const stored = await m.api.getMarketSearch(item.id);
  assertEquals(stored.item.status, "no_match");
});

Deno.test("searchMarket() leaves out services above maxPrice and filters by type, mode and provider", async () => {
  await using m = await market();
  const cheap = await m.api.searchMarket({ ...ids(m), maxPrice: "0.50" }, m.token);
  assert(cheap.item.quotes.length > 0);
  for (const quote of cheap.item.quotes) {
    assertExists(quote.pricing.amount);
    assert(Number(quote.pricing.amount) <= 0.5, `${quote.serviceId} ${quote.pricing.amount}`);
  }
  assert(
    cheap.item.quotes.some((quote) => quote.pricing.amount === "0.50"),
    "the cap is inclusive",
  );
  const handoff = await m.api.searchMarket(
    { ...ids(m), executionMode: "external-handoff" },
    m.token,
  );
  assert(handoff.item.quotes.every((quote) => quote.executionMode === "external-handoff"));
  assertEquals(handoff.item.quotes.length, 3);
  const provider = await m.api.searchMarket({ ...ids(m), providerKey: "chargenet" }, m.token);
  assertEquals(provider.item.quotes.map((quote) => quote.serviceId), ["svc_charging_handoff"]);
  const limited = await m.api.searchMarket({ ...ids(m), limit: 2 }, m.token);
  assertEquals(limited.item.quotes.length, 2);
});

Deno.test("searchMarket() respects the delegation policy's deny and allow lists and per-transaction limit", async () => {
  await using m = await market({}, {
    deniedSkillKeys: ["sim.mapping"],
    deniedServiceIds: ["svc_sim_embed"],
    perTransactionLimit: "1.00",
    currency: "USDT",
  });
  const { item } = await m.api.searchMarket({ ...ids(m), limit: 50 }, m.token);
  const found = item.quotes.map((quote) => quote.serviceId);
  assert(!found.includes("svc_sim_route") && !found.includes("svc_sim_geocode"), "skill denied");
  assert(!found.includes("svc_sim_embed"), "service denied");
  assert(!found.includes("svc_sim_translate"), "1.25 is over the per-transaction limit");
  assert(found.includes("svc_sim_complete"));

  const { pairing } = await pairAgent(m.api, m.machine.id, createWallet(), {
    allowedServiceIds: ["svc_sim_vision", "svc_sim_echo"],
  });
  const allowed = await m.api.searchMarket(
    { machineId: m.machine.id, agentPairingId: pairing.id },
    pairing.pairingToken,
  );
  assertEquals(
    allowed.item.quotes.map((quote) => quote.serviceId).sort(),
    ["svc_sim_echo", "svc_sim_vision"],
  );
  assert(
    allowed.item.quotes.every((quote) =>
      quote.reasons.includes("Explicitly allowed by the delegation policy")
    ),
  );
});

Deno.test("searchMarket() ranks the machine's own runtime endpoint once it is registered", async () => {
  await using m = await market();
  const before = await m.api.searchMarket({ ...ids(m), query: "chat" }, m.token);
  assertEquals(before.item.status, "no_match");
  await m.api.upsertRuntimeEndpoint(m.machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:11434",
  });
  const after = await m.api.searchMarket({ ...ids(m), query: "chat" }, m.token);
  assertEquals(after.item.quotes[0]?.serviceId, "svc_ollama_chat");
  assert(
    after.item.quotes[0]!.reasons.includes("Runs on this machine's 'ollama' runtime endpoint"),
  );
});

Deno.test("searchMarket() refuses a pairing that is not the token's own with AGENT_PAIRING_REQUIRED", async () => {
  await using m = await market();
  const other = await pairAgent(m.api, m.machine.id);
  await assertApiError(
    m.api.searchMarket({ machineId: m.machine.id, agentPairingId: other.pairing.id }, m.token),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
  await assertApiError(
    m.api.searchMarket({ machineId: "m_other", agentPairingId: m.pairing.id }, m.token),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
});

Deno.test("searchMarket() needs an active pairing and a valid token", async () => {
  await using m = await market();
  const missing = await rawRequest(m.sandbox, "/api/v1/market/search", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ids(m)),
  });
  assertEquals(missing.status, 401);
  assertEquals((missing.body as { error: { code: string } }).error.code, "AGENT_AUTH_REQUIRED");
  await assertApiError(m.api.searchMarket(ids(m), "not.a.jwt"), "AGENT_AUTH_INVALID", 401);
  await m.api.updateAgentPairing(m.machine.id, m.pairing.id, { status: "paused" });
  await assertApiError(m.api.searchMarket(ids(m), m.token), "AGENT_PAIRING_INACTIVE", 403);
});

Deno.test("searchMarket() validates its body with VALIDATION_ERROR naming the fields", async () => {
  await using m = await market();
  const error = await assertApiError(
    m.api.searchMarket({ ...ids(m), maxPrice: "cheap", limit: 0 }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  const paths = (error.details as { path: string }[]).map((issue) => issue.path).sort();
  assertEquals(paths, ["limit", "maxPrice"]);
});
