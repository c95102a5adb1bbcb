/**
 * Sandbox market search, end to end through the SDK over 127.0.0.1: the public search
 * vocabulary (serviceType, operation, query, capabilities, region, maxResults, budget,
 * nativeOnly, allowHandoff, providerCredentials), ranking with scores and reasons, quote expiry
 * on the sandbox clock, no_match, the delegation policy, the pairing checks, revision 1's fields
 * refused, and provider credentials never stored or echoed.
 */
import { assert, assertEquals, assertExists, assertStringIncludes } from "@std/assert";
import { OrchestrationApiError } from "../../mod.ts";
import type { MarketSearchRequest, WebhookEvent } from "../../mod.ts";
import { createWallet } from "../../sandbox/mod.ts";
import { SERVICES } from "../../sandbox/catalogue.ts";
import { ids, localServer, market } from "../_market.ts";
import { assertApiError, manualClock, pairAgent, rawRequest } from "../_sandbox_platform.ts";

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

Deno.test("searchMarket() quotes carry pricing, the service's payment recommendation and a 10-minute expiry", async () => {
  const clock = manualClock("2026-05-01T08:00:00.000Z");
  await using m = await market({ now: clock.now });
  const { item } = await m.api.searchMarket({ ...ids(m), operation: "store" }, m.token);
  assertEquals(item.createdAt, "2026-05-01T08:00:00.000Z");
  const quote = item.quotes[0];
  assertExists(quote);
  assertEquals(quote.serviceId, "svc_sim_store");
  assertEquals(quote.expiresAt, "2026-05-01T08:10:00.000Z");
  // A quote-required service is priced by its quote, a JSON number.
  assertEquals(quote.pricing.mode, "quote-required");
  assertEquals(quote.pricing.amount, 3.4);
  assertEquals(quote.payment, {
    defaultRail: "offchain-record",
    required: true,
    supportedRails: ["offchain-record", "wallet"],
  });
  assertEquals(quote.operation, "store");

  const free = await m.api.searchMarket({ ...ids(m), operation: "echo" }, m.token);
  assertEquals(free.item.quotes[0]?.payment, {
    defaultRail: "not-required",
    required: false,
    supportedRails: ["not-required"],
  });
  assert(free.item.quotes[0]!.reasons.includes("Free"));

  const x402 = await m.api.searchMarket({ ...ids(m), serviceType: "oracle.price-feed" }, m.token);
  assertEquals(x402.item.quotes[0]?.serviceId, "svc_x402_price_feed");
  assertEquals(x402.item.quotes[0]?.payment, {
    defaultRail: "x402",
    required: true,
    supportedRails: ["x402"],
  });
  assertEquals(x402.item.quotes[0]?.pricing, {
    mode: "fixed",
    amount: 0.01,
    currency: "USDC",
    rate: "per_request",
    notes: ["per request"],
  });
});

Deno.test("searchMarket() filters by every public capability key as serviceType", async () => {
  await using m = await market();
  const keys = [
    "oracle.price-feed",
    "compute.marketplace",
    "storage.object",
    "data.location",
    "identity.proof-of-person",
    "device.control",
    "machine.commerce",
    "network.partner-console",
  ];
  for (const serviceType of keys) {
    const { item } = await m.api.searchMarket({ ...ids(m), serviceType }, m.token);
    assertEquals(item.status, "matched", serviceType);
    const expected = SERVICES.filter((service) => service.serviceType === serviceType)
      .map((service) => service.id).sort();
    assertEquals(item.quotes.map((quote) => quote.serviceId).sort(), expected);
  }
});

Deno.test("searchMarket() filters by capabilities and explains each match", async () => {
  await using m = await market();
  const { item } = await m.api.searchMarket(
    { ...ids(m), capabilities: ["GPS", "geocoding"] },
    m.token,
  );
  const found = item.quotes.map((quote) => quote.serviceId);
  assertEquals(found[0], "svc_x402_reverse_geocode", "both capabilities rank first");
  assert(found.includes("svc_sim_geocode"), "one capability is enough to match");
  for (const quote of item.quotes) {
    const service = SERVICES.find((candidate) => candidate.id === quote.serviceId)!;
    assert(service.capabilities.some((c) => c === "gps" || c === "geocoding"), quote.serviceId);
  }
  const top = item.quotes[0]!.reasons;
  assert(top.includes("Matches capability 'gps'"), top.join("; "));
  assert(top.includes("Matches capability 'geocoding'"), top.join("; "));
  assert(item.quotes[0]!.score > item.quotes[1]!.score);

  const none = await m.api.searchMarket({ ...ids(m), capabilities: ["teleportation"] }, m.token);
  assertEquals(none.item.status, "no_match");
});

Deno.test("searchMarket() keeps services of the region or global ones, and says which", async () => {
  await using m = await market();
  const { item } = await m.api.searchMarket(
    { ...ids(m), region: "eu-west", maxResults: 50 },
    m.token,
  );
  assert(item.quotes.length > 0);
  for (const quote of item.quotes) {
    const service = SERVICES.find((candidate) => candidate.id === quote.serviceId)!;
    assert(["eu-west", "global"].includes(service.region), `${service.id} in ${service.region}`);
    assert(
      quote.reasons.includes(
        service.region === "global" ? "Serves every region ('global')" : "In region 'eu-west'",
      ),
      quote.reasons.join("; "),
    );
  }
  const found = item.quotes.map((quote) => quote.serviceId);
  assert(found.includes("svc_x402_reverse_geocode") && found.includes("svc_ride_handoff"));
  assert(!found.includes("svc_sim_complete"), "eu-central is another region");
});

Deno.test("searchMarket() budget caps the price inclusively, filters by currency and explains it", async () => {
  await using m = await market();
  const { item } = await m.api.searchMarket(
    { ...ids(m), budget: { max: 0.5, currency: "USDT" }, maxResults: 50 },
    m.token,
  );
  assert(item.quotes.length > 0);
  for (const quote of item.quotes) {
    assertExists(quote.pricing.amount);
    assert(quote.pricing.amount <= 0.5, `${quote.serviceId} ${quote.pricing.amount}`);
    assert(quote.pricing.currency === "USDT" || quote.pricing.amount === 0, quote.serviceId);
  }
  const geocode = item.quotes.find((quote) => quote.serviceId === "svc_sim_geocode");
  assertExists(geocode, "the cap is inclusive");
  assert(geocode.reasons.includes("Within budget 0.5 <= 0.5 USDT"), geocode.reasons.join("; "));
  assert(
    !item.quotes.some((quote) => quote.pricing.currency === "USDC"),
    "USDC is not the budget's",
  );

  const usdc = await m.api.searchMarket(
    { ...ids(m), budget: { amount: 20, currency: "USDC" }, nativeOnly: true },
    m.token,
  );
  const priced = usdc.item.quotes.filter((quote) => quote.pricing.amount !== 0);
  assertEquals(
    priced.map((quote) => quote.serviceId).sort(),
    ["svc_x402_price_feed", "svc_x402_reverse_geocode"],
  );
  assert(
    priced.some((quote) => quote.reasons.includes("Within budget 0.05 <= 20 USDC")),
    "amount caps when max is absent",
  );
  const cheaper = await m.api.searchMarket(
    { ...ids(m), budget: { amount: 20, max: 0.02 }, serviceType: "data.location" },
    m.token,
  );
  assertEquals(cheaper.item.status, "no_match", "max wins over amount");
});

Deno.test("searchMarket() nativeOnly and allowHandoff: false drop handoff services; native is preferred", async () => {
  await using m = await market();
  const all = await m.api.searchMarket({ ...ids(m), maxResults: 50 }, m.token);
  const handoffs = SERVICES.filter((service) => service.executionMode === "external-handoff");
  assert(handoffs.length >= 3);
  assert(all.item.quotes.some((quote) => quote.executionMode === "external-handoff"));
  for (const body of [{ nativeOnly: true }, { allowHandoff: false }]) {
    const { item } = await m.api.searchMarket({ ...ids(m), maxResults: 50, ...body }, m.token);
    assert(item.quotes.length > 0);
    assert(item.quotes.every((quote) => quote.executionMode === "native"), JSON.stringify(body));
    assert(item.quotes.every((quote) => quote.reasons.includes("Native execution preferred")));
  }
  const allowed = await m.api.searchMarket(
    { ...ids(m), query: "ride", allowHandoff: true },
    m.token,
  );
  assertEquals(allowed.item.quotes[0]?.serviceId, "svc_ride_handoff");
  assert(
    allowed.item.quotes[0]!.reasons.includes("External handoff: finished on the provider's site"),
  );
});

Deno.test("searchMarket() maxResults bounds the quotes; operation picks the quoted operation", async () => {
  await using m = await market();
  const limited = await m.api.searchMarket({ ...ids(m), maxResults: 2 }, m.token);
  assertEquals(limited.item.quotes.length, 2);
  const defaulted = await m.api.searchMarket(ids(m), m.token);
  assertEquals(defaulted.item.quotes.length, 10);
  const everything = await m.api.searchMarket({ ...ids(m), maxResults: 50 }, m.token);
  // Endpoint services need a runtime endpoint; the machine has none.
  assertEquals(everything.item.quotes.length, SERVICES.length - 2);
  await m.api.upsertRuntimeEndpoint(m.machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:11434",
  });
  const chat = await m.api.searchMarket({ ...ids(m), operation: "complete" }, m.token);
  const ollama = chat.item.quotes.find((quote) => quote.serviceId === "svc_ollama_chat");
  assertEquals(ollama?.operation, "complete", "not the service's first operation");
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

Deno.test("searchMarket() respects the delegation policy's deny and allow lists and spend limits", async () => {
  await using m = await market({}, {
    deniedSkillKeys: ["sim.mapping"],
    deniedServiceIds: ["svc_sim_embed"],
    perTransactionLimit: 1,
    currency: "USDT",
  });
  const { item } = await m.api.searchMarket({ ...ids(m), maxResults: 50 }, m.token);
  const found = item.quotes.map((quote) => quote.serviceId);
  assert(!found.includes("svc_sim_route") && !found.includes("svc_sim_geocode"), "skill denied");
  assert(!found.includes("svc_sim_embed"), "service denied");
  assert(!found.includes("svc_sim_translate"), "1.25 is over the per-transaction limit");
  assert(!found.includes("svc_x402_price_feed"), "USDC is not the limits' currency");
  assert(found.includes("svc_sim_complete"));
  assert(found.includes("svc_partner_console"), "free services pass any limit");

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
    m.api.searchMarket(
      { ...ids(m), maxResults: 0, budget: { max: -1 }, capabilities: [""] },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  const paths = (error.details as { path: string }[]).map((issue) => issue.path).sort();
  assertEquals(paths, ["budget.max", "capabilities.0", "maxResults"]);
  const overPrecise = await assertApiError(
    m.api.searchMarket({ ...ids(m), budget: { amount: 1e-19 } }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((overPrecise.details as { path: string }[])[0]?.path, "budget.amount");
  const stringly = await assertApiError(
    m.api.searchMarket({ ...ids(m), budget: { max: "20" } } as never, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((stringly.details as { path: string }[])[0]?.path, "budget.max");
});

Deno.test("searchMarket() refuses revision 1's fields by name with their replacement", async () => {
  await using m = await market();
  const retired: Record<string, [unknown, string]> = {
    skillKey: ["sim.storage", "'serviceType'"],
    providerKey: ["chargenet", "'query'"],
    executionMode: ["native", "'nativeOnly: true'"],
    maxPrice: ["1.00", "'budget.max'"],
    currency: ["USDT", "'budget.currency'"],
    limit: [5, "'maxResults'"],
  };
  for (const [field, [value, hint]] of Object.entries(retired)) {
    const error = await assertApiError(
      m.api.searchMarket({ ...ids(m), [field]: value } as MarketSearchRequest, m.token),
      "VALIDATION_ERROR",
      400,
    );
    const issues = error.details as { path: string; message: string }[];
    assertEquals(issues.map((issue) => issue.path), [field]);
    assertStringIncludes(issues[0]!.message, hint);
    assertStringIncludes(error.message, `'${field}'`);
  }
  const unknown = await assertApiError(
    m.api.searchMarket({ ...ids(m), colour: "red" } as MarketSearchRequest, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertStringIncludes(JSON.stringify(unknown.details), "colour");
});

Deno.test("searchMarket() ranks with providerCredentials but never stores or echoes them", async () => {
  const secret = "pc-secret-7f3a9b21c4d5e6f7";
  const received: string[] = [];
  await using hooks = await localServer(async (request) => {
    received.push(await request.text());
    return new Response(null, { status: 204 });
  });
  await using m = await market({
    webhooks: [{ url: hooks.url, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }],
    webhookRetryDelayMs: 10,
  });
  const without = await m.api.searchMarket(
    { ...ids(m), serviceType: "compute.marketplace" },
    m.token,
  );
  assert(without.item.quotes[0]!.reasons.includes("Needs provider credentials for 'gpuhub'"));
  const body: MarketSearchRequest = {
    ...ids(m),
    serviceType: "compute.marketplace",
    providerCredentials: { gpuhub: { apiKey: secret } },
  };
  const { item } = await m.api.searchMarket(body, m.token);
  const quote = item.quotes[0]!;
  assert(quote.reasons.includes("Provider credentials supplied for 'gpuhub'"));
  assert(quote.score > without.item.quotes[0]!.score);

  // Order it, so webhooks fire, and fail a search carrying the secret.
  const contract = SERVICES.find((s) => s.id === quote.serviceId)!.operationContracts[0]!;
  await m.api.createMarketOrder({
    ...ids(m),
    serviceId: quote.serviceId,
    quoteId: quote.id,
    input: contract.exampleInput,
    providerCredentials: { gpuhub: { apiKey: secret } },
  }, m.token);
  const failed = await m.api.searchMarket({ ...body, maxResults: 0 }, m.token).catch((err) => err);
  assert(failed instanceof OrchestrationApiError);
  const raw = await rawRequest(m.sandbox, "/api/v1/market/search", {
    method: "POST",
    headers: { "content-type": "application/json", "x-agent-pairing-token": m.token },
    body: JSON.stringify({ ...body, providerCredentials: { gpuhub: { apiKey: 42 } }, x: secret }),
  });
  assertEquals(raw.status, 400);

  const { item: stored } = await m.api.getMarketSearch(item.id);
  const rawStored = await rawRequest(m.sandbox, `/api/v1/market/search/${item.id}`, {
    headers: { "x-api-key": m.sandbox.apiKey },
  });
  await m.sandbox.close(); // waits for webhook deliveries
  assert(received.length > 0, "webhooks were delivered");
  const events = received.map((text) => JSON.parse(text) as WebhookEvent);
  assert(events.some((event) => event.type === "order.created"));
  // Store records hold bigint units beside the wire shapes.
  const json = (value: unknown) =>
    JSON.stringify(value, (_key, v) => typeof v === "bigint" ? String(v) : v);
  const everything = [
    JSON.stringify(item),
    JSON.stringify(stored),
    JSON.stringify(rawStored.body),
    json([...m.sandbox.context.store.searches.values()]),
    json([...m.sandbox.context.store.quotes.values()]),
    json([...m.sandbox.context.store.orders.values()]),
    json(m.sandbox.context.store.audit),
    JSON.stringify(failed),
    String(failed.message),
    JSON.stringify(failed.details),
    JSON.stringify(raw.body),
    ...received,
  ];
  for (const text of everything) assert(!text.includes(secret), text.slice(0, 200));
});
