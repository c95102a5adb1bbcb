/**
 * Every method of `client.orchestration`, one table row each: HTTP method, path under
 * `/api/v1`, query, auth headers, user agent, content type and body, against a real HTTP
 * server on 127.0.0.1.
 */
import { assert, assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import {
  isHandoffExecution,
  isNativeExecution,
  OrchestrationClient,
  OrchestrationValidationError,
  PeaqosClient,
  REDACTED,
  VERSION,
} from "../../mod.ts";
import {
  API_KEY,
  orchestrationFor,
  PAIRING_TOKEN,
  type RecordedRequest,
  startServer,
} from "../_recording_server.ts";

/** Every path parameter name used by the routes. */
type Ids = {
  readonly machineId: string;
  readonly pairingId: string;
  readonly agentId: string;
  readonly providerKey: string;
  readonly skillKey: string;
  readonly serviceId: string;
  readonly searchId: string;
  readonly orderId: string;
};

type Envelope = "list" | "item" | "void" | "execute" | "confirm" | "dispute" | "heartbeat";

type Case = {
  /** The method under test (several rows may exercise one method). */
  readonly method: keyof OrchestrationClient & string;
  /** What the row shows, when a method has several rows. */
  readonly variant?: string;
  /** Calls the method; an async iterable is drained. */
  readonly call: (api: OrchestrationClient, ids: Ids) => Promise<unknown> | AsyncIterable<unknown>;
  /** `"<METHOD> <path template>"` below `/api/v1`. */
  readonly route: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly auth: "platform" | "agent" | "none";
  /** The JSON body the server must receive; omitted for GET and DELETE. */
  readonly body?: unknown;
  readonly envelope: Envelope;
  /** Overrides the default reply for the envelope. */
  readonly reply?: { readonly status: number; readonly body?: unknown };
  /** A one-time secret the response carries in `item`. */
  readonly secret?: "pairingToken" | "provisioningToken";
};

const IDS: Ids = {
  machineId: "m-1",
  pairingId: "p-1",
  agentId: "agent-1",
  providerKey: "ollama",
  skillKey: "vision.detect",
  serviceId: "svc-1",
  searchId: "search-1",
  orderId: "order-1",
};

const proof = { challengeId: "ch-1", signature: "0xsig" };
const heartbeat = {
  agentToken: "agent-token-1",
  leaseSeconds: 60,
  endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }],
};

const REPLIES: Record<Envelope, { status: number; body?: unknown }> = {
  list: { status: 200, body: { items: [{ id: "x-1" }, { id: "x-2" }] } },
  item: { status: 200, body: { item: { id: "x-1" } } },
  void: { status: 204 },
  execute: {
    status: 200,
    body: {
      order: { id: "order-1", status: "delivered" },
      execution: { statusCode: 200, mode: "native", run: { id: "r-1" }, outcome: { id: "o-1" } },
    },
  },
  confirm: { status: 200, body: { order: { id: "order-1", status: "confirmed" }, payment: null } },
  dispute: {
    status: 200,
    body: {
      order: { id: "order-1" },
      payment: { id: "pay-1", status: "frozen" },
      dispute: { id: "d-1" },
    },
  },
  heartbeat: {
    status: 200,
    body: { agent: { id: "agent-1" }, endpoints: [], leaseExpiresAt: "2026-01-01T00:00:00Z" },
  },
};

const CASES: readonly Case[] = [
  // Machines
  {
    method: "listMachines",
    call: (api) => api.listMachines({ limit: 20, cursor: "c-1" }),
    route: "GET /machines",
    query: { limit: "20", cursor: "c-1" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listMachines",
    variant: "without options",
    call: (api) => api.listMachines(),
    route: "GET /machines",
    query: {},
    auth: "platform",
    envelope: "list",
  },
  {
    method: "createMachine",
    call: (api) => api.createMachine({ displayName: "Rover 7", machineType: "rover" }),
    route: "POST /machines",
    auth: "platform",
    body: { displayName: "Rover 7", machineType: "rover" },
    envelope: "item",
    reply: { status: 201, body: { item: { id: "m-1" } } },
  },
  {
    method: "getMachine",
    call: (api, ids) => api.getMachine(ids.machineId),
    route: "GET /machines/:machineId",
    auth: "platform",
    envelope: "item",
  },
  {
    method: "updateMachine",
    call: (api, ids) => api.updateMachine(ids.machineId, { displayName: "Rover 8" }),
    route: "PATCH /machines/:machineId",
    auth: "platform",
    body: { displayName: "Rover 8" },
    envelope: "item",
  },
  {
    method: "archiveMachine",
    call: (api, ids) => api.archiveMachine(ids.machineId),
    route: "DELETE /machines/:machineId",
    auth: "platform",
    envelope: "void",
  },
  {
    method: "createMachineIdentityChallenge",
    call: (api) => api.createMachineIdentityChallenge({ identityRef: "did:peaq:0xabc" }),
    route: "POST /machine-identity/challenges",
    auth: "platform",
    body: { identityRef: "did:peaq:0xabc" },
    envelope: "item",
  },
  // Agent pairings
  {
    method: "listAgentPairings",
    call: (api, ids) => api.listAgentPairings(ids.machineId, { status: "active", limit: 5 }),
    route: "GET /machines/:machineId/agent-pairings",
    query: { status: "active", limit: "5" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "createAgentPairingChallenge",
    call: (api, ids) =>
      api.createAgentPairingChallenge(ids.machineId, {
        agentAddress: "0xagent",
        agentProvider: "anthropic",
        agentRole: "buyer",
      }),
    route: "POST /machines/:machineId/agent-pairings/challenges",
    auth: "platform",
    body: { agentAddress: "0xagent", agentProvider: "anthropic", agentRole: "buyer" },
    envelope: "item",
  },
  {
    method: "createAgentPairing",
    call: (api, ids) =>
      api.createAgentPairing(ids.machineId, {
        agentAddress: "0xagent",
        agentProvider: "anthropic",
        agentRole: "buyer",
        agentProof: proof,
      }),
    route: "POST /machines/:machineId/agent-pairings",
    auth: "platform",
    body: {
      agentAddress: "0xagent",
      agentProvider: "anthropic",
      agentRole: "buyer",
      agentProof: proof,
    },
    envelope: "item",
    reply: { status: 201, body: { item: { id: "p-1", pairingToken: "jwt-pairing-secret" } } },
    secret: "pairingToken",
  },
  {
    method: "createAgentPairingSession",
    call: (api, ids) =>
      api.createAgentPairingSession(ids.machineId, ids.pairingId, { agentProof: proof }),
    route: "POST /machines/:machineId/agent-pairings/:pairingId/sessions",
    auth: "platform",
    body: { agentProof: proof },
    envelope: "item",
    reply: { status: 201, body: { item: { id: "p-1", pairingToken: "jwt-session-secret" } } },
    secret: "pairingToken",
  },
  {
    method: "updateAgentPairing",
    call: (api, ids) => api.updateAgentPairing(ids.machineId, ids.pairingId, { status: "paused" }),
    route: "PATCH /machines/:machineId/agent-pairings/:pairingId",
    auth: "platform",
    body: { status: "paused" },
    envelope: "item",
  },
  {
    method: "revokeAgentPairing",
    call: (api, ids) => api.revokeAgentPairing(ids.machineId, ids.pairingId),
    route: "DELETE /machines/:machineId/agent-pairings/:pairingId",
    auth: "platform",
    envelope: "void",
  },
  // Machine agents
  {
    method: "listMachineAgents",
    call: (api, ids) => api.listMachineAgents(ids.machineId),
    route: "GET /machines/:machineId/agents",
    query: {},
    auth: "platform",
    envelope: "list",
  },
  {
    method: "enrollMachineAgent",
    call: (api, ids) =>
      api.enrollMachineAgent(ids.machineId, { label: "edge", allowedProviderKeys: ["ollama"] }),
    route: "POST /machines/:machineId/agents/enrollment",
    auth: "platform",
    body: { label: "edge", allowedProviderKeys: ["ollama"] },
    envelope: "item",
    reply: { status: 201, body: { item: { id: "agent-1", provisioningToken: "prov-secret" } } },
    secret: "provisioningToken",
  },
  {
    method: "enrollMachineAgent",
    variant: "without params",
    call: (api, ids) => api.enrollMachineAgent(ids.machineId),
    route: "POST /machines/:machineId/agents/enrollment",
    auth: "platform",
    body: {},
    envelope: "item",
    reply: { status: 201, body: { item: { id: "agent-2", provisioningToken: "prov-secret-2" } } },
    secret: "provisioningToken",
  },
  {
    method: "revokeMachineAgent",
    call: (api, ids) => api.revokeMachineAgent(ids.machineId, ids.agentId),
    route: "DELETE /machines/:machineId/agents/:agentId",
    auth: "platform",
    envelope: "void",
  },
  {
    method: "machineAgentHeartbeat",
    call: (api) => api.machineAgentHeartbeat(heartbeat),
    route: "POST /machine-agents/heartbeat",
    auth: "none",
    body: heartbeat,
    envelope: "heartbeat",
  },
  // Runtime endpoints
  {
    method: "listRuntimeEndpoints",
    call: (api, ids) => api.listRuntimeEndpoints(ids.machineId, { limit: 10, source: "agent" }),
    route: "GET /machines/:machineId/runtime-endpoints",
    query: { limit: "10", source: "agent" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "getRuntimeEndpoint",
    call: (api, ids) => api.getRuntimeEndpoint(ids.machineId, ids.providerKey),
    route: "GET /machines/:machineId/runtime-endpoints/:providerKey",
    auth: "platform",
    envelope: "item",
  },
  {
    method: "upsertRuntimeEndpoint",
    call: (api, ids) =>
      api.upsertRuntimeEndpoint(ids.machineId, ids.providerKey, {
        endpointBaseUrl: "http://10.0.0.5:11434",
        authType: "bearer",
        authToken: "endpoint-secret",
      }),
    route: "PUT /machines/:machineId/runtime-endpoints/:providerKey",
    auth: "platform",
    body: {
      endpointBaseUrl: "http://10.0.0.5:11434",
      authType: "bearer",
      authToken: "endpoint-secret",
    },
    envelope: "item",
    reply: { status: 201, body: { item: { providerKey: "ollama", hasAuthToken: true } } },
  },
  {
    method: "deleteRuntimeEndpoint",
    call: (api, ids) => api.deleteRuntimeEndpoint(ids.machineId, ids.providerKey),
    route: "DELETE /machines/:machineId/runtime-endpoints/:providerKey",
    auth: "platform",
    envelope: "void",
  },
  // Skills
  {
    method: "listSkills",
    call: (api) => api.listSkills({ scope: "platform", direction: "provide", source: "builtin" }),
    route: "GET /skills",
    query: { scope: "platform", direction: "provide", source: "builtin" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "getSkill",
    call: (api, ids) => api.getSkill(ids.skillKey),
    route: "GET /skills/:skillKey",
    auth: "platform",
    envelope: "item",
  },
  {
    method: "getSkillManifest",
    call: (api, ids) => api.getSkillManifest(ids.skillKey),
    route: "GET /skills/:skillKey/manifest",
    auth: "platform",
    envelope: "item",
  },
  {
    method: "updateSkillConfig",
    call: (api, ids) => api.updateSkillConfig(ids.skillKey, { enabled: true, config: { k: 1 } }),
    route: "PATCH /skills/:skillKey/config",
    auth: "platform",
    body: { enabled: true, config: { k: 1 } },
    envelope: "item",
  },
  // Market services and search
  {
    method: "listMarketServices",
    call: (api) =>
      api.listMarketServices({
        machineId: "m-1",
        serviceType: "inference",
        executionMode: "native",
        providerKey: "ollama",
        limit: 3,
      }),
    route: "GET /market/services",
    query: {
      machineId: "m-1",
      serviceType: "inference",
      executionMode: "native",
      providerKey: "ollama",
      limit: "3",
    },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listMarketServices",
    variant: "with undefined filters",
    call: (api) =>
      api.listMarketServices(
        { machineId: "m-1", serviceType: undefined, limit: undefined, cursor: null } as never,
      ),
    route: "GET /market/services",
    query: { machineId: "m-1" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "getMarketService",
    call: (api, ids) => api.getMarketService(ids.serviceId, { machineId: "m-1" }),
    route: "GET /market/services/:serviceId",
    query: { machineId: "m-1" },
    auth: "platform",
    envelope: "item",
  },
  {
    method: "getMarketService",
    variant: "without options",
    call: (api, ids) => api.getMarketService(ids.serviceId),
    route: "GET /market/services/:serviceId",
    query: {},
    auth: "platform",
    envelope: "item",
  },
  {
    method: "searchMarket",
    call: (api) =>
      api.searchMarket(
        { machineId: "m-1", agentPairingId: "p-1", query: "mapping" },
        PAIRING_TOKEN,
      ),
    route: "POST /market/search",
    auth: "agent",
    body: { machineId: "m-1", agentPairingId: "p-1", query: "mapping" },
    envelope: "item",
  },
  {
    method: "getMarketSearch",
    call: (api, ids) => api.getMarketSearch(ids.searchId),
    route: "GET /market/search/:searchId",
    auth: "platform",
    envelope: "item",
  },
  // Market orders
  {
    method: "listMarketOrders",
    call: (api) => api.listMarketOrders({ machineId: "m-1", limit: 50, cursor: "c-2" }),
    route: "GET /market/orders",
    query: { machineId: "m-1", limit: "50", cursor: "c-2" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "createMarketOrder",
    call: (api) =>
      api.createMarketOrder(
        { machineId: "m-1", agentPairingId: "p-1", serviceId: "svc-1", quoteId: "q-1" },
        PAIRING_TOKEN,
      ),
    route: "POST /market/orders",
    auth: "agent",
    body: { machineId: "m-1", agentPairingId: "p-1", serviceId: "svc-1", quoteId: "q-1" },
    envelope: "item",
    reply: { status: 201, body: { item: { id: "order-1" } } },
  },
  {
    method: "getMarketOrder",
    call: (api, ids) => api.getMarketOrder(ids.orderId),
    route: "GET /market/orders/:orderId",
    auth: "platform",
    envelope: "item",
  },
  {
    method: "executeMarketOrder",
    variant: "native (200)",
    call: (api, ids) => api.executeMarketOrder(ids.orderId, { input: { x: 1 } }, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/execute",
    auth: "agent",
    body: { input: { x: 1 } },
    envelope: "execute",
  },
  {
    method: "executeMarketOrder",
    variant: "external handoff (202)",
    call: (api, ids) => api.executeMarketOrder(ids.orderId, {}, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/execute",
    auth: "agent",
    body: {},
    envelope: "execute",
    reply: {
      status: 202,
      body: {
        order: { id: "order-1", status: "handoff" },
        execution: {
          statusCode: 202,
          mode: "external-handoff",
          handoff: { label: "Open", url: "https://provider.example/x", notes: [] },
        },
      },
    },
  },
  {
    method: "confirmMarketOrder",
    call: (api, ids) => api.confirmMarketOrder(ids.orderId, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/confirm",
    auth: "agent",
    body: {},
    envelope: "confirm",
  },
  {
    method: "disputeMarketOrder",
    call: (api, ids) =>
      api.disputeMarketOrder(ids.orderId, { reason: "No delivery" }, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/dispute",
    auth: "agent",
    body: { reason: "No delivery" },
    envelope: "dispute",
  },
  // Payments
  {
    method: "createPaymentIntent",
    call: (api, ids) => api.createPaymentIntent(ids.orderId, { rail: "wallet" }, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/payment-intent",
    auth: "agent",
    body: { rail: "wallet" },
    envelope: "item",
  },
  {
    method: "getMarketPayment",
    call: (api, ids) => api.getMarketPayment(ids.orderId),
    route: "GET /market/orders/:orderId/payment",
    auth: "platform",
    envelope: "item",
    reply: { status: 200, body: { item: null } },
  },
  {
    method: "submitPaymentProof",
    call: (api, ids) =>
      api.submitPaymentProof(
        ids.orderId,
        { transactionHash: "0xhash", verificationMode: "rpc", chain: "peaq" },
        PAIRING_TOKEN,
      ),
    route: "POST /market/orders/:orderId/payment-proof",
    auth: "agent",
    body: { transactionHash: "0xhash", verificationMode: "rpc", chain: "peaq" },
    envelope: "item",
  },
  {
    method: "lockEscrowPayment",
    call: (api, ids) =>
      api.lockEscrowPayment(
        ids.orderId,
        { transactionHash: "0xhash", chain: "peaq", escrowAddress: "0xescrow" },
        PAIRING_TOKEN,
      ),
    route: "POST /market/orders/:orderId/payment/escrow-lock",
    auth: "agent",
    body: { transactionHash: "0xhash", chain: "peaq", escrowAddress: "0xescrow" },
    envelope: "item",
  },
  {
    method: "releasePayment",
    call: (api, ids) => api.releasePayment(ids.orderId, undefined, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/payment/release",
    auth: "agent",
    body: {},
    envelope: "item",
  },
  {
    method: "refundPayment",
    call: (api, ids) =>
      api.refundPayment(ids.orderId, { reason: "Provider offline" }, PAIRING_TOKEN),
    route: "POST /market/orders/:orderId/payment/refund",
    auth: "agent",
    body: { reason: "Provider offline" },
    envelope: "item",
  },
  // Auto-pagination (one page here; pagination_test.ts covers several)
  {
    method: "listMachinesAll",
    call: (api) => api.listMachinesAll({ limit: 2 }),
    route: "GET /machines",
    query: { limit: "2" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listSkillsAll",
    call: (api) => api.listSkillsAll({ scope: "machine" }),
    route: "GET /skills",
    query: { scope: "machine" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listMarketServicesAll",
    call: (api) => api.listMarketServicesAll({ executionMode: "native" }),
    route: "GET /market/services",
    query: { executionMode: "native" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listMarketOrdersAll",
    call: (api) => api.listMarketOrdersAll({ machineId: "m-1" }),
    route: "GET /market/orders",
    query: { machineId: "m-1" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listAgentPairingsAll",
    call: (api, ids) => api.listAgentPairingsAll(ids.machineId, { status: "active" }),
    route: "GET /machines/:machineId/agent-pairings",
    query: { status: "active" },
    auth: "platform",
    envelope: "list",
  },
  {
    method: "listRuntimeEndpointsAll",
    call: (api, ids) => api.listRuntimeEndpointsAll(ids.machineId, { source: "manual" }),
    route: "GET /machines/:machineId/runtime-endpoints",
    query: { source: "manual" },
    auth: "platform",
    envelope: "list",
  },
];

/** The SDK document's methods of `client.orchestration`, names exactly as documented. */
const DOCUMENTED_METHODS = [
  "listMachines",
  "createMachine",
  "getMachine",
  "updateMachine",
  "archiveMachine",
  "createMachineIdentityChallenge",
  "listAgentPairings",
  "createAgentPairingChallenge",
  "createAgentPairing",
  "createAgentPairingSession",
  "updateAgentPairing",
  "revokeAgentPairing",
  "listMachineAgents",
  "enrollMachineAgent",
  "revokeMachineAgent",
  "machineAgentHeartbeat",
  "listRuntimeEndpoints",
  "getRuntimeEndpoint",
  "upsertRuntimeEndpoint",
  "deleteRuntimeEndpoint",
  "listSkills",
  "getSkill",
  "getSkillManifest",
  "updateSkillConfig",
  "listMarketServices",
  "getMarketService",
  "searchMarket",
  "getMarketSearch",
  "listMarketOrders",
  "createMarketOrder",
  "getMarketOrder",
  "executeMarketOrder",
  "confirmMarketOrder",
  "disputeMarketOrder",
  "createPaymentIntent",
  "getMarketPayment",
  "submitPaymentProof",
  "lockEscrowPayment",
  "releasePayment",
  "refundPayment",
  "listMachinesAll",
  "listSkillsAll",
  "listMarketServicesAll",
  "listMarketOrdersAll",
  "listAgentPairingsAll",
  "listRuntimeEndpointsAll",
] as const;

const PARAM = /:([A-Za-z]+)/g;

function expectedPath(route: string, ids: Ids): string {
  const template = route.slice(route.indexOf(" ") + 1);
  return `/api/v1${
    template.replace(PARAM, (_m, name: string) => encodeURIComponent(ids[name as keyof Ids]))
  }`;
}

function paramNames(route: string): (keyof Ids)[] {
  return [...route.matchAll(PARAM)].map((match) => match[1] as keyof Ids);
}

function caseName(c: Case): string {
  return `${c.method}()${c.variant ? ` ${c.variant}` : ""}`;
}

async function run(api: OrchestrationClient, c: Case, ids: Ids): Promise<unknown> {
  const result = c.call(api, ids);
  if (Symbol.asyncIterator in result) {
    const items: unknown[] = [];
    for await (const item of result as AsyncIterable<unknown>) items.push(item);
    return items;
  }
  return await result;
}

function assertHeaders(c: Case, seen: RecordedRequest): void {
  const h = seen.headers;
  assertEquals(h["user-agent"], `peaq-os-sdk-js/${VERSION}`);
  if (c.auth === "none") {
    assertEquals(h["x-api-key"], undefined, "no x-api-key on an unauthenticated route");
  } else {
    assertEquals(h["x-api-key"], API_KEY);
  }
  assertEquals(
    h["x-agent-pairing-token"],
    c.auth === "agent" ? PAIRING_TOKEN : undefined,
    "x-agent-pairing-token exactly on agent routes",
  );
  const method = c.route.slice(0, c.route.indexOf(" "));
  if (method === "GET" || method === "DELETE") {
    assertEquals(h["content-type"], undefined);
    assertEquals(seen.text, "");
  } else {
    assertEquals(h["content-type"], "application/json");
  }
}

for (const c of CASES) {
  Deno.test(`${caseName(c)} sends ${c.route} with ${c.auth} auth`, async () => {
    await using server = startServer();
    const reply = c.reply ?? REPLIES[c.envelope];
    server.respond({ status: reply.status, body: reply.body });
    const result = await run(orchestrationFor(server), c, IDS);

    assertEquals(server.requests.length, 1);
    const seen = server.requests[0]!;
    const method = c.route.slice(0, c.route.indexOf(" "));
    assertEquals(seen.method, method);
    assertEquals(seen.path, expectedPath(c.route, IDS));
    if (c.query) assertEquals(seen.query, c.query);
    assertHeaders(c, seen);
    assertEquals(seen.body, c.body);

    if (c.envelope === "void") {
      assertStrictEquals(result, undefined);
    } else if (Array.isArray(result)) {
      assertEquals(result, (reply.body as { items: unknown[] }).items);
    } else if (c.secret) {
      const item = (result as { item: Record<string, unknown> }).item;
      const sent = (reply.body as { item: Record<string, unknown> }).item;
      assertEquals(item[c.secret], sent[c.secret], "the secret is readable once");
      assertEquals(item.id, sent.id);
      assertEquals(JSON.parse(JSON.stringify(result)).item[c.secret], REDACTED);
    } else {
      assertEquals(result, reply.body);
    }
  });
}

Deno.test("orchestration table covers every method of the SDK document", () => {
  const covered = new Set(CASES.map((c) => c.method));
  for (const name of DOCUMENTED_METHODS) {
    assert(covered.has(name), `no table row for ${name}()`);
    assertEquals(typeof OrchestrationClient.prototype[name], "function", name);
  }
  assertEquals(DOCUMENTED_METHODS.length, 46);
});

// Ids that would change the route if sent raw: separators, dot segments inside a value,
// query and fragment markers, non-ASCII, an already-encoded slash, spaces.
const NASTY_IDS = ["a/b", "../x", "ünï/cødé 🚀", "?#&=", "%2F..%2F", " x ", "a\\b"];

for (const c of CASES.filter((row) => paramNames(row.route).length > 0 && !row.variant)) {
  Deno.test(`${c.method}() percent-encodes path parameters without changing the route`, async () => {
    await using server = startServer();
    const reply = c.reply ?? REPLIES[c.envelope];
    server.respond({ status: reply.status, body: reply.body });
    const api = orchestrationFor(server);
    for (const nasty of NASTY_IDS) {
      const ids = Object.fromEntries(
        Object.keys(IDS).map((name) => [name, `${nasty}-${name}`]),
      ) as unknown as Ids;
      await run(api, c, ids);
      const seen = server.requests.at(-1)!;
      assertEquals(seen.path, expectedPath(c.route, ids));
      const segments = seen.path.split("/");
      assertEquals(segments.length, expectedPath(c.route, IDS).split("/").length);
      for (const name of paramNames(c.route)) {
        assert(segments.map(decodeURIComponent).includes(ids[name]), `${name} round-trips`);
      }
      assertEquals(seen.search.includes("#"), false);
    }
    assertEquals(server.requests.length, NASTY_IDS.length);
  });
}

for (const c of CASES.filter((row) => paramNames(row.route).length > 0 && !row.variant)) {
  Deno.test(`${c.method}() rejects '.', '..' and empty path parameters without a request`, async () => {
    await using server = startServer();
    const api = orchestrationFor(server);
    for (const name of paramNames(c.route)) {
      for (const bad of [".", "..", ""]) {
        const ids = { ...IDS, [name]: bad };
        const error = await assertRejects(() => run(api, c, ids), OrchestrationValidationError);
        assertEquals(error.field, name);
      }
    }
    assertEquals(server.requests.length, 0);
  });
}

Deno.test("isNativeExecution() and isHandoffExecution() narrow the result of executeMarketOrder()", async () => {
  await using server = startServer({
    body: {
      order: { id: "o-1" },
      execution: { statusCode: 200, mode: "native", run: { id: "r-1" }, outcome: { output: 1 } },
    },
  });
  const api = orchestrationFor(server);
  const native = await api.executeMarketOrder("o-1", {}, PAIRING_TOKEN);
  assert(isNativeExecution(native) && !isHandoffExecution(native));
  assertEquals(native.execution.run.id, "r-1");
  server.respond({
    status: 202,
    body: {
      order: { id: "o-2" },
      execution: {
        statusCode: 202,
        mode: "external-handoff",
        handoff: { label: "Go", url: "https://x.example", notes: [] },
      },
    },
  });
  const handoff = await api.executeMarketOrder("o-2", {}, PAIRING_TOKEN);
  assert(isHandoffExecution(handoff) && !isNativeExecution(handoff));
  assertEquals(handoff.execution.handoff.url, "https://x.example");
});

Deno.test("withResponse.getMachine() resolves the body with the response and its request id", async () => {
  await using server = startServer({
    body: { item: { id: "m-1" } },
    headers: { "x-request-id": "req-42" },
  });
  const api = orchestrationFor(server);
  const { data, response, requestId } = await api.withResponse.getMachine("m-1");
  assertEquals(data, { item: { id: "m-1" } } as never);
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/json");
  assertEquals(requestId, "req-42");
  assertEquals(response.bodyUsed, true, "the body was read once, by the SDK");
  // The plain method resolves to the same body.
  assertEquals(await api.getMachine("m-1"), data);
  assertEquals(server.requests.length, 2);
});

Deno.test("withResponse keeps void routes, secrets and errors as the plain methods have them", async () => {
  await using server = startServer({ status: 204 });
  const api = orchestrationFor(server);
  const archived = await api.withResponse.archiveMachine("m-1");
  assertStrictEquals(archived.data, undefined);
  assertEquals([archived.response.status, archived.requestId], [204, undefined]);
  server.respond({ status: 201, body: { item: { id: "p-1", pairingToken: "tok-once" } } });
  const { data } = await api.withResponse.createAgentPairing("m-1", {
    agentAddress: "0xagent",
    agentProvider: "anthropic",
    agentRole: "buyer",
    agentProof: proof,
  });
  assertEquals(data.item.pairingToken, "tok-once");
  assertEquals(JSON.parse(JSON.stringify(data)).item.pairingToken, REDACTED);
  server.respond({ status: 404, body: { error: { code: "NOT_FOUND", message: "No machine" } } });
  const error = await assertRejects(() => api.withResponse.getMachine("m-9"));
  assertEquals((error as { code?: string }).code, "NOT_FOUND");
  await assertRejects(() => api.withResponse.getMachine(""), OrchestrationValidationError);
});

Deno.test("withResponse has every method that returns a promise, and no *All iterator", () => {
  const api = new PeaqosClient({ orchestrationUrl: "https://orchestration.example" }).orchestration;
  const methods = Object.getOwnPropertyNames(OrchestrationClient.prototype)
    .filter((name) => name !== "constructor");
  const raw = api.withResponse as unknown as Record<string, unknown>;
  for (const name of methods) {
    if (name.endsWith("All")) continue;
    assertEquals(typeof raw[name], "function", name);
  }
  // At runtime the namespace shares the class, but its type leaves the iterators out.
  // @ts-expect-error: listMachinesAll is not part of withResponse
  assert(api.withResponse.listMachinesAll !== undefined);
  assertStrictEquals(api.withResponse, api.withResponse, "built once per client");
});

Deno.test("every route declaration uses known words only, and each paginated list has its *All", async () => {
  const { parseRoute } = await import("../../src/transport.ts");
  const tables = await Promise.all(
    ["machines", "pairings", "agents", "skills", "market", "payments", "experimental"].map((file) =>
      import(`../../src/orchestration/${file}.ts`)
    ),
  );
  const FLAG = /^(?:query|body|agent|noauth|root|need:[A-Za-z]+(?:,[A-Za-z]+)*|secret:\w+)$/;
  const ENVELOPES = new Set([
    "list",
    "item",
    "nullableItem",
    "void",
    "execute",
    "confirm",
    "dispute",
    "heartbeat",
    "object",
  ]);
  let count = 0;
  for (const module of tables) {
    const table = Object.entries(module).find(([name]) => name.endsWith("_ROUTES"))![1];
    for (const [name, declaration] of Object.entries(table as Record<string, string>)) {
      count++;
      const [method, path, envelope, ...flags] = declaration.split(" ");
      assert(/^(?:GET|POST|PUT|PATCH|DELETE)$/.test(method!), `${name}: method '${method}'`);
      assert(path!.startsWith("/"), `${name}: path '${path}'`);
      assert(ENVELOPES.has(envelope!), `${name}: envelope '${envelope}'`);
      for (const flag of flags) assert(FLAG.test(flag), `${name}: unknown flag '${flag}'`);
      const route = parseRoute(declaration);
      assertEquals(route.method === "DELETE", route.expect === "void", `${name}: DELETE is void`);
      const iterator = (OrchestrationClient.prototype as unknown as Record<string, unknown>)[
        `${name}All`
      ];
      assertEquals(typeof iterator === "function", route.paginated, `${name}All`);
    }
  }
  assertEquals(count, 64);
});
