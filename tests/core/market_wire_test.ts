/**
 * The SDK against a scripted server on 127.0.0.1: revision 2's service and search shapes pass
 * through unchanged both ways (the search body as sent, services and quotes as answered, unknown
 * extra fields kept), and the market methods hit the contract's routes.
 */
import { assertEquals } from "@std/assert";
import type { MarketSearch, MarketSearchRequest, MarketService } from "../../mod.ts";
import { orchestrationFor, PAIRING_TOKEN, startServer } from "../_recording_server.ts";

const SERVICE = {
  id: "svc_x402_price_feed",
  skillKey: "oracle.prices",
  providerKey: "oraclenet",
  companyName: "OracleNet Labs",
  serviceType: "oracle.price-feed",
  name: "Spot price feed (x402)",
  description: "Signed spot prices.",
  operations: ["get-price"],
  executionMode: "native",
  integrationStatus: "live",
  region: "global",
  capabilities: ["price", "oracle"],
  handoff: null,
  pricing: { mode: "fixed", amount: 0.01, currency: "USDC", rate: "per_request", notes: [] },
  payment: { defaultRail: "x402", required: true, supportedRails: ["x402"] },
  endpoints: [{
    label: null,
    operation: "get-price",
    url: "https://x402.oraclenet.example/v1/price",
    method: "POST",
    path: "/v1/price",
    providerName: "OracleNet Labs",
    key: "oraclenet.get-price",
    protocols: ["x402"],
    networks: ["base"],
    // A field a newer server may add.
    latencyMs: 40,
  }],
  operationContracts: [{
    operation: "get-price",
    summary: "Latest signed price",
    notes: [],
    inputFields: [{ key: "pair", type: "string" }, { key: "at", type: "string", required: false }],
    outputFields: [{ key: "price", type: "number", unit: "USD" }],
    exampleInput: { pair: "ETH/USD" },
  }],
  metadata: { x402: { network: "eip155:8453" } },
  providerId: "prov_oraclenet",
  providerLabel: "OracleNet Labs",
  authType: "wallet",
  accessMode: "public",
  distribution: "openapi",
  maturity: "production",
  kind: "runtime",
  freshnessSeconds: 60,
  requiresHumanEnablement: false,
  artifactUrl: "https://oraclenet.example/openapi.json",
  futureField: { nested: [1, 2] },
};

const SEARCH = {
  id: "srch_1",
  machineId: "m-1",
  agentPairingId: "p-1",
  status: "matched",
  quotes: [{
    id: "qt_1",
    serviceId: SERVICE.id,
    skillKey: SERVICE.skillKey,
    providerKey: SERVICE.providerKey,
    executionMode: "native",
    integrationStatus: "live",
    operation: "get-price",
    score: 0.91,
    reasons: ["Matches capability 'price'", "Within budget 0.01 <= 20 USDC"],
    pricing: SERVICE.pricing,
    payment: SERVICE.payment,
    expiresAt: "2026-05-01T08:10:00.000Z",
    rank: 1,
  }],
  createdAt: "2026-05-01T08:00:00.000Z",
  explanation: "unknown to this SDK version",
};

Deno.test("getMarketService() and listMarketServices() keep every revision 2 field and unknown extras", async () => {
  await using server = startServer({ body: { item: SERVICE } });
  const api = orchestrationFor(server);
  const { item } = await api.getMarketService(SERVICE.id, { machineId: "m-1" });
  assertEquals(item, SERVICE as unknown as MarketService);
  assertEquals(item.operationContracts[0]?.exampleInput, { pair: "ETH/USD" });
  assertEquals(item.payment.supportedRails, ["x402"]);
  assertEquals(server.requests[0]?.path, `/api/v1/market/services/${SERVICE.id}`);
  assertEquals(server.requests[0]?.query, { machineId: "m-1" });

  server.respond({ body: { items: [SERVICE], nextCursor: "c2" } });
  const page = await api.listMarketServices({ serviceType: "oracle.price-feed", limit: 5 });
  assertEquals(page.items, [SERVICE as unknown as MarketService]);
  assertEquals(page.nextCursor, "c2");
  assertEquals(server.requests[1]?.query, { serviceType: "oracle.price-feed", limit: "5" });
});

Deno.test("searchMarket() sends the public search body unchanged and keeps the answer's extras", async () => {
  await using server = startServer({ body: { item: SEARCH } });
  const api = orchestrationFor(server);
  const body: MarketSearchRequest = {
    machineId: "m-1",
    agentPairingId: "p-1",
    serviceType: "oracle.price-feed",
    operation: "get-price",
    query: "eth price",
    capabilities: ["price", "oracle"],
    region: "eu-west",
    maxResults: 5,
    budget: { amount: 10, max: 20, currency: "USDC" },
    nativeOnly: true,
    allowHandoff: false,
  };
  const { item } = await api.searchMarket(body, PAIRING_TOKEN);
  assertEquals(item, SEARCH as unknown as MarketSearch);
  const [request] = server.requests;
  assertEquals([request?.method, request?.path], ["POST", "/api/v1/market/search"]);
  assertEquals(request?.body, body);
  assertEquals(request?.headers["x-agent-pairing-token"], PAIRING_TOKEN);

  const { item: again } = await api.getMarketSearch("srch_1");
  assertEquals(again, SEARCH as unknown as MarketSearch);
  assertEquals(server.requests[1]?.path, "/api/v1/market/search/srch_1");
});

Deno.test("searchMarket() sends providerCredentials in the body only, and keeps them out of errors", async () => {
  const secret = "pc-wire-secret-91c2";
  await using server = startServer({
    status: 400,
    body: { error: { code: "VALIDATION_ERROR", message: "Invalid request: 'maxResults'" } },
  });
  const api = orchestrationFor(server);
  const error = await api.searchMarket(
    {
      machineId: "m-1",
      agentPairingId: "p-1",
      maxResults: 99,
      providerCredentials: { gpuhub: { apiKey: secret } },
    },
    PAIRING_TOKEN,
  ).catch((err: unknown) => err);
  const [request] = server.requests;
  assertEquals(
    (request?.body as MarketSearchRequest).providerCredentials,
    { gpuhub: { apiKey: secret } },
  );
  assertEquals(Object.values(request?.headers ?? {}).some((v) => v.includes(secret)), false);
  const printed = [
    String(error),
    JSON.stringify(error),
    Deno.inspect(error, { depth: 10 }),
    JSON.stringify((error as { details?: unknown }).details ?? null),
  ];
  for (const text of printed) assertEquals(text.includes(secret), false, text);
  assertEquals((error as { code?: string }).code, "VALIDATION_ERROR");
});
