/**
 * The OpenAPI 3.1 document of the wire, generated, not written by hand: a route table
 * ({@linkcode ROUTES}: method, path, auth, request body and query schemas, response envelope,
 * success status) turned into a document whose request schemas come from the shared zod
 * contract (`contract/*.ts`) through zod's `z.toJSONSchema()`. The sandbox serves it at
 * `GET /openapi.json`; `deno task openapi` writes it to `openapi.json` at the repository root.
 *
 * Each operation's `operationId` is the SDK method that calls it, and its `security` says which
 * credential the route takes: `apiKey` (`x-api-key`), `agentPairingToken`
 * (`x-agent-pairing-token`), either (the refund), or the machine agent's provisioning token.
 *
 * @module
 */
import { z } from "zod";
import {
  enrollMachineAgentBody,
  heartbeatBody,
  upsertRuntimeEndpointBody,
} from "../contract/agents.ts";
import { identityChallengeBody } from "../contract/machines.ts";
import { createMachineBody, updateMachineBody } from "../contract/machines.ts";
import { marketSearchBody } from "../contract/market.ts";
import {
  cancelOrderBody,
  createOrderBody,
  disputeOrderBody,
  executeOrderBody,
} from "../contract/orders.ts";
import {
  createPairingBody,
  pairingChallengeBody,
  pairingSessionBody,
  updatePairingBody,
} from "../contract/pairings.ts";
import {
  escrowLockBody,
  paymentIntentBody,
  paymentProofBody,
  refundBody,
  releaseBody,
} from "../contract/payments.ts";
import * as codes from "../src/error_codes.ts";
import { VERSION } from "../src/version.ts";
import { listQuerySchema } from "./pagination.ts";

/** Which credential a route takes. */
export type RouteAuth =
  | "platform"
  | "agent"
  | "agent-or-platform"
  | "machine-agent"
  | "none";

/** The success body: `{ item }`, a page `{ items, nextCursor }`, no body, or a bare object. */
export type RouteEnvelope = "item" | "list" | "none" | "object";

/** One route of the wire. */
export type RouteSpec = {
  /** The SDK method that calls it. */
  readonly operationId: string;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Relative to `/api/v1` (except `/health`), with `:param` segments. */
  readonly path: string;
  readonly auth: RouteAuth;
  readonly tag: string;
  readonly summary: string;
  /** The request body's zod schema; `"object"` when the contract has none (a JSON object). */
  readonly body?: z.ZodType | "object";
  /** Whether a body may be omitted. */
  readonly bodyOptional?: boolean;
  /** Query parameters. */
  readonly query?: z.ZodObject;
  readonly envelope: RouteEnvelope;
  /** The SDK type of the item, of each listed item, or of the bare object. */
  readonly responseType?: string;
  /** Success status; default 200 (204 for `envelope: "none"`). */
  readonly status?: 200 | 201 | 204;
  /** A second success status with the same body (a replace that may create: 200 or 201). */
  readonly alsoStatus?: 200 | 201;
  /** Error statuses the route answers beyond those its shape implies. */
  readonly errors?: readonly number[];
};

const pairingStatus = listQuerySchema.extend({
  status: z.enum(["active", "paused", "revoked"]).optional(),
});
const endpointList = listQuerySchema.extend({ source: z.enum(["manual", "agent"]).optional() });
const skillList = listQuerySchema.extend({
  scope: z.enum(["platform", "machine"]).optional(),
  direction: z.enum(["provide", "consume"]).optional(),
  source: z.enum(["builtin", "catalog", "custom"]).optional(),
});
const serviceList = listQuerySchema.extend({
  machineId: z.string().min(1).max(200).optional(),
  serviceType: z.string().min(1).max(100).optional(),
  executionMode: z.enum(["native", "external-handoff"]).optional(),
  providerKey: z.string().min(1).max(64).optional(),
});
const serviceGet = z.object({ machineId: z.string().min(1).max(200).optional() });
const orderList = listQuerySchema.extend({ machineId: z.string().min(1).max(200) });
const taskList = listQuerySchema.extend({
  status: z.enum(["created", "discovered", "resolved", "executing", "succeeded", "failed"])
    .optional(),
});
const machineFilter = listQuerySchema.extend({ machineId: z.string().min(1).max(200).optional() });

const M = "/machines/:machineId";
const O = "/market/orders/:orderId";

// deno-fmt-ignore: one route a line reads as the table it is.
/**
 * Every route of the wire, in the SDK's order. A test checks it against the sandbox's own
 * routes and the SDK's route strings, so it cannot drift from either.
 */
export const ROUTES: readonly RouteSpec[] = [
  // Machines and identity
  { operationId: "listMachines", method: "GET", path: "/machines", auth: "platform", tag: "machines", summary: "Lists identity-verified machines", query: listQuerySchema, envelope: "list", responseType: "Machine" },
  { operationId: "createMachine", method: "POST", path: "/machines", auth: "platform", tag: "machines", summary: "Creates a machine (an active one needs an identity proof)", body: createMachineBody, envelope: "item", responseType: "Machine", status: 201, errors: [403, 424] },
  { operationId: "getMachine", method: "GET", path: M, auth: "platform", tag: "machines", summary: "Gets a machine, re-checking its identity proof", envelope: "item", responseType: "Machine", errors: [409] },
  { operationId: "updateMachine", method: "PATCH", path: M, auth: "platform", tag: "machines", summary: "Updates a machine", body: updateMachineBody, envelope: "item", responseType: "Machine", errors: [403, 409, 424] },
  { operationId: "archiveMachine", method: "DELETE", path: M, auth: "platform", tag: "machines", summary: "Archives a machine (the record is kept)", envelope: "none" },
  { operationId: "createMachineIdentityChallenge", method: "POST", path: "/machine-identity/challenges", auth: "platform", tag: "machines", summary: "Issues a single-use identity challenge (EIP-191)", body: identityChallengeBody, envelope: "item", responseType: "MachineIdentityChallengeResponse", status: 201, errors: [424] },
  // Agent pairings
  { operationId: "listAgentPairings", method: "GET", path: `${M}/agent-pairings`, auth: "platform", tag: "pairings", summary: "Lists a machine's agent pairings", query: pairingStatus, envelope: "list", responseType: "AgentPairing" },
  { operationId: "createAgentPairingChallenge", method: "POST", path: `${M}/agent-pairings/challenges`, auth: "platform", tag: "pairings", summary: "Issues a pairing challenge keyed to the agent", body: pairingChallengeBody, envelope: "item", responseType: "AgentPairingChallengeResponse", status: 201, errors: [503] },
  { operationId: "createAgentPairing", method: "POST", path: `${M}/agent-pairings`, auth: "platform", tag: "pairings", summary: "Pairs an agent; answers its pairing token once", body: createPairingBody, envelope: "item", responseType: "AgentPairingWithToken", status: 201, errors: [403, 503] },
  { operationId: "createAgentPairingSession", method: "POST", path: `${M}/agent-pairings/:pairingId/sessions`, auth: "platform", tag: "pairings", summary: "Starts a new session: a fresh pairing token", body: pairingSessionBody, envelope: "item", responseType: "AgentPairingWithToken", status: 201, errors: [403, 503] },
  { operationId: "updateAgentPairing", method: "PATCH", path: `${M}/agent-pairings/:pairingId`, auth: "platform", tag: "pairings", summary: "Updates a pairing; a policy change ends its session", body: updatePairingBody, envelope: "item", responseType: "AgentPairing", errors: [403] },
  { operationId: "revokeAgentPairing", method: "DELETE", path: `${M}/agent-pairings/:pairingId`, auth: "platform", tag: "pairings", summary: "Revokes a pairing", envelope: "none" },
  // Machine agents and runtime endpoints
  { operationId: "listMachineAgents", method: "GET", path: `${M}/agents`, auth: "platform", tag: "machine-agents", summary: "Lists a machine's agents", query: listQuerySchema, envelope: "list", responseType: "MachineAgent", errors: [409] },
  { operationId: "enrollMachineAgent", method: "POST", path: `${M}/agents/enrollment`, auth: "platform", tag: "machine-agents", summary: "Enrolls an agent; answers its provisioning token once", body: enrollMachineAgentBody, envelope: "item", responseType: "MachineAgentEnrollment", status: 201 },
  { operationId: "revokeMachineAgent", method: "DELETE", path: `${M}/agents/:agentId`, auth: "platform", tag: "machine-agents", summary: "Revokes a machine agent", envelope: "none", errors: [409] },
  { operationId: "machineAgentHeartbeat", method: "POST", path: "/machine-agents/heartbeat", auth: "machine-agent", tag: "machine-agents", summary: "An agent's heartbeat: reports and leases its runtime endpoints", body: heartbeatBody, envelope: "object", responseType: "MachineAgentHeartbeatResponse", errors: [403] },
  { operationId: "listRuntimeEndpoints", method: "GET", path: `${M}/runtime-endpoints`, auth: "platform", tag: "runtime-endpoints", summary: "Lists a machine's runtime endpoints", query: endpointList, envelope: "list", responseType: "RuntimeEndpoint", errors: [409] },
  { operationId: "getRuntimeEndpoint", method: "GET", path: `${M}/runtime-endpoints/:providerKey`, auth: "platform", tag: "runtime-endpoints", summary: "Gets a runtime endpoint", envelope: "item", responseType: "RuntimeEndpoint", errors: [409] },
  { operationId: "upsertRuntimeEndpoint", method: "PUT", path: `${M}/runtime-endpoints/:providerKey`, auth: "platform", tag: "runtime-endpoints", summary: "Creates (201) or replaces (200) a runtime endpoint", body: upsertRuntimeEndpointBody, envelope: "item", responseType: "RuntimeEndpoint", alsoStatus: 201, errors: [409] },
  { operationId: "deleteRuntimeEndpoint", method: "DELETE", path: `${M}/runtime-endpoints/:providerKey`, auth: "platform", tag: "runtime-endpoints", summary: "Deletes a runtime endpoint", envelope: "none", errors: [409] },
  // Skills and services
  { operationId: "listSkills", method: "GET", path: "/skills", auth: "platform", tag: "skills", summary: "Lists skills", query: skillList, envelope: "list", responseType: "SkillSummary" },
  { operationId: "getSkill", method: "GET", path: "/skills/:skillKey", auth: "platform", tag: "skills", summary: "Gets a skill", envelope: "item", responseType: "SkillSummary" },
  { operationId: "getSkillManifest", method: "GET", path: "/skills/:skillKey/manifest", auth: "platform", tag: "skills", summary: "Gets a skill's manifest", envelope: "item", responseType: "SkillManifest" },
  { operationId: "updateSkillConfig", method: "PATCH", path: "/skills/:skillKey/config", auth: "platform", tag: "skills", summary: "Updates a skill's config (checked against its configSchema)", body: "object", envelope: "item", responseType: "SkillConfigResponse" },
  { operationId: "listMarketServices", method: "GET", path: "/market/services", auth: "platform", tag: "market", summary: "Lists market services", query: serviceList, envelope: "list", responseType: "MarketService" },
  { operationId: "getMarketService", method: "GET", path: "/market/services/:serviceId", auth: "platform", tag: "market", summary: "Gets a market service", query: serviceGet, envelope: "item", responseType: "MarketService" },
  { operationId: "searchMarket", method: "POST", path: "/market/search", auth: "agent", tag: "market", summary: "Searches the market: ranked, single-use quotes", body: marketSearchBody, envelope: "item", responseType: "MarketSearch" },
  { operationId: "getMarketSearch", method: "GET", path: "/market/search/:searchId", auth: "platform", tag: "market", summary: "Gets a search and its quotes", envelope: "item", responseType: "MarketSearch" },
  // Orders
  { operationId: "listMarketOrders", method: "GET", path: "/market/orders", auth: "platform", tag: "orders", summary: "Lists a machine's orders", query: orderList, envelope: "list", responseType: "MarketOrder" },
  { operationId: "createMarketOrder", method: "POST", path: "/market/orders", auth: "agent", tag: "orders", summary: "Orders a service (within the delegation policy's spend limits)", body: createOrderBody, envelope: "item", responseType: "MarketOrder", status: 201, errors: [422] },
  { operationId: "getMarketOrder", method: "GET", path: O, auth: "platform", tag: "orders", summary: "Gets an order", envelope: "item", responseType: "MarketOrder" },
  { operationId: "executeMarketOrder", method: "POST", path: `${O}/execute`, auth: "agent", tag: "orders", summary: "Executes an order (native run, endpoint or handoff)", body: executeOrderBody, bodyOptional: true, envelope: "object", responseType: "ExecuteMarketOrderResponse", errors: [402, 422, 502, 503] },
  { operationId: "confirmMarketOrder", method: "POST", path: `${O}/confirm`, auth: "agent", tag: "orders", summary: "Confirms delivery", envelope: "object", responseType: "MarketOrderActionResponse" },
  { operationId: "disputeMarketOrder", method: "POST", path: `${O}/dispute`, auth: "agent", tag: "orders", summary: "Disputes an order (freezes its payment)", body: disputeOrderBody, envelope: "object", responseType: "DisputeMarketOrderResponse" },
  { operationId: "cancelMarketOrder", method: "POST", path: `${O}/cancel`, auth: "agent", tag: "orders", summary: "Cancels an order before execution", body: cancelOrderBody, bodyOptional: true, envelope: "object", responseType: "MarketOrderActionResponse" },
  { operationId: "retryMarketOrder", method: "POST", path: `${O}/retry`, auth: "agent", tag: "orders", summary: "Reopens a failed order", envelope: "object", responseType: "MarketOrderActionResponse" },
  // Payments
  { operationId: "createPaymentIntent", method: "POST", path: `${O}/payment-intent`, auth: "agent", tag: "payments", summary: "Creates the order's payment intent (201), or answers the existing one (200)", body: paymentIntentBody, bodyOptional: true, envelope: "item", responseType: "MarketPayment", status: 201, alsoStatus: 200 },
  { operationId: "getMarketPayment", method: "GET", path: `${O}/payment`, auth: "platform", tag: "payments", summary: "Gets the order's payment record (null before an intent)", envelope: "item", responseType: "MarketPayment" },
  { operationId: "submitPaymentProof", method: "POST", path: `${O}/payment-proof`, auth: "agent", tag: "payments", summary: "Submits a payment proof (recorded, or verified over RPC)", body: paymentProofBody, envelope: "item", responseType: "MarketPayment", errors: [402, 502] },
  { operationId: "lockEscrowPayment", method: "POST", path: `${O}/payment/escrow-lock`, auth: "agent", tag: "payments", summary: "Records an escrow lock", body: escrowLockBody, envelope: "item", responseType: "MarketPayment", errors: [402] },
  { operationId: "releasePayment", method: "POST", path: `${O}/payment/release`, auth: "agent", tag: "payments", summary: "Releases a held payment after confirmation", body: releaseBody, bodyOptional: true, envelope: "item", responseType: "MarketPayment", errors: [402] },
  { operationId: "refundPayment", method: "POST", path: `${O}/payment/refund`, auth: "agent-or-platform", tag: "payments", summary: "Refunds a payment: the buyer's agent before execution, an operator (API key) any time", body: refundBody, bodyOptional: true, envelope: "item", responseType: "MarketPayment", errors: [402] },
  // Tasks, graph, policies, observability (experimental)
  { operationId: "createTask", method: "POST", path: `${M}/tasks`, auth: "platform", tag: "tasks", summary: "Creates a task", body: "object", envelope: "item", responseType: "Task", status: 201 },
  { operationId: "discoverTask", method: "POST", path: `${M}/tasks/:taskId/discover`, auth: "platform", tag: "tasks", summary: "Finds candidate services for a task", envelope: "item", responseType: "Task" },
  { operationId: "resolveTask", method: "POST", path: `${M}/tasks/:taskId/resolve`, auth: "platform", tag: "tasks", summary: "Chooses a candidate", body: "object", bodyOptional: true, envelope: "item", responseType: "Task", errors: [422] },
  { operationId: "executeTask", method: "POST", path: `${M}/tasks/:taskId/execute`, auth: "platform", tag: "tasks", summary: "Runs a resolved task", body: "object", bodyOptional: true, envelope: "item", responseType: "Task", errors: [422, 502, 503] },
  { operationId: "getTask", method: "GET", path: `${M}/tasks/:taskId`, auth: "platform", tag: "tasks", summary: "Gets a task", envelope: "item", responseType: "Task" },
  { operationId: "listTasks", method: "GET", path: `${M}/tasks`, auth: "platform", tag: "tasks", summary: "Lists a machine's tasks", query: taskList, envelope: "list", responseType: "Task" },
  { operationId: "getMachineGraph", method: "GET", path: `${M}/graph`, auth: "platform", tag: "graph", summary: "Gets a machine's graph", envelope: "item", responseType: "MachineGraph" },
  { operationId: "createGraphNode", method: "POST", path: `${M}/graph/nodes`, auth: "platform", tag: "graph", summary: "Creates a graph node", body: "object", envelope: "item", responseType: "GraphNode", status: 201 },
  { operationId: "updateGraphNode", method: "PATCH", path: `${M}/graph/nodes/:nodeId`, auth: "platform", tag: "graph", summary: "Updates a graph node (data is shallow-merged)", body: "object", envelope: "item", responseType: "GraphNode" },
  { operationId: "deleteGraphNode", method: "DELETE", path: `${M}/graph/nodes/:nodeId`, auth: "platform", tag: "graph", summary: "Deletes a graph node and its edges", envelope: "none" },
  { operationId: "createGraphEdge", method: "POST", path: `${M}/graph/edges`, auth: "platform", tag: "graph", summary: "Creates a graph edge", body: "object", envelope: "item", responseType: "GraphEdge", status: 201 },
  { operationId: "updateGraphEdge", method: "PATCH", path: `${M}/graph/edges/:edgeId`, auth: "platform", tag: "graph", summary: "Updates a graph edge", body: "object", envelope: "item", responseType: "GraphEdge" },
  { operationId: "deleteGraphEdge", method: "DELETE", path: `${M}/graph/edges/:edgeId`, auth: "platform", tag: "graph", summary: "Deletes a graph edge", envelope: "none" },
  { operationId: "listPolicies", method: "GET", path: "/policies", auth: "platform", tag: "policies", summary: "Lists policies", query: listQuerySchema, envelope: "list", responseType: "Policy" },
  { operationId: "createPolicy", method: "POST", path: "/policies", auth: "platform", tag: "policies", summary: "Creates a policy", body: "object", envelope: "item", responseType: "Policy", status: 201 },
  { operationId: "getPolicy", method: "GET", path: "/policies/:policyId", auth: "platform", tag: "policies", summary: "Gets a policy", envelope: "item", responseType: "Policy" },
  { operationId: "updatePolicy", method: "PATCH", path: "/policies/:policyId", auth: "platform", tag: "policies", summary: "Updates a policy", body: "object", envelope: "item", responseType: "Policy" },
  { operationId: "listAuditEvents", method: "GET", path: "/audit-events", auth: "platform", tag: "observability", summary: "Lists audit events", query: machineFilter, envelope: "list", responseType: "AuditEvent" },
  { operationId: "listRuns", method: "GET", path: "/runs", auth: "platform", tag: "observability", summary: "Lists runs", query: machineFilter, envelope: "list", responseType: "Run" },
  { operationId: "getRun", method: "GET", path: "/runs/:runId", auth: "platform", tag: "observability", summary: "Gets a run", envelope: "item", responseType: "Run" },
  { operationId: "getReadiness", method: "GET", path: `${M}/readiness`, auth: "platform", tag: "observability", summary: "Reports a machine's readiness checks", envelope: "item", responseType: "MachineReadiness" },
  { operationId: "getHealth", method: "GET", path: "/health", auth: "none", tag: "health", summary: "Liveness", envelope: "object", responseType: "HealthResponse" },
];

/** The full request path of a route: under `/api/v1`, except `/health`. */
export function fullPath(route: Pick<RouteSpec, "path">): string {
  return route.path === "/health" ? route.path : `/api/v1${route.path}`;
}

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as Json;
  return rest;
}

const ERROR_CODES = Object.entries(codes)
  .filter(([name, value]) => name.startsWith("ERROR_CODE_") && typeof value === "string")
  .map(([, value]) => value as string)
  .sort();

const SECURITY: Readonly<Record<RouteAuth, Json[]>> = {
  platform: [{ apiKey: [] }],
  agent: [{ agentPairingToken: [] }],
  "agent-or-platform": [{ agentPairingToken: [] }, { apiKey: [] }],
  // Or the body's `agentToken`: the empty requirement says no header is needed then.
  "machine-agent": [{ agentPairingToken: [] }, { machineAgentBearer: [] }, {}],
  none: [],
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad input: `VALIDATION_ERROR` (details name each field) or a missing proof",
  401: "Missing, invalid or expired credential",
  402: "Payment required, or the proved transaction failed",
  403: "Refused: a proof, a pairing, a policy or a spend limit",
  404: "Unknown route or record: `NOT_FOUND`",
  409: "Conflict with the record's state, or an `idempotency-key` reused with another body",
  413: "Body over 1 MiB: `PAYLOAD_TOO_LARGE`",
  422: "The service cannot run this: `EXECUTION_UNSUPPORTED`",
  424: "The machine identity cannot be resolved: `PEAQOS_IDENTITY_UNAVAILABLE`",
  500: "A server bug: `INTERNAL` (the message hides the cause)",
  502: "An upstream (RPC node, runtime endpoint) failed or answered badly",
  503: "Unavailable: no live runtime endpoint, or pairing switched off",
};

function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>([500, ...(route.errors ?? [])]);
  if (route.body !== undefined || route.query !== undefined) statuses.add(400);
  if (route.body !== undefined) statuses.add(413);
  if (route.path.includes(":")) statuses.add(404);
  if (route.auth !== "none") statuses.add(401);
  if (route.auth === "agent" || route.auth === "agent-or-platform") statuses.add(403);
  if (route.method === "POST") statuses.add(409); // IDEMPOTENCY_KEY_REUSED
  return [...statuses].sort((a, b) => a - b);
}

function successBody(route: RouteSpec): Json {
  const type = route.responseType ?? "object";
  const item = { type: "object", description: `The SDK's \`${type}\`.` };
  switch (route.envelope) {
    case "item":
      return {
        type: "object",
        required: ["item"],
        properties: {
          item: route.operationId === "getMarketPayment"
            ? { ...item, type: ["object", "null"] }
            : item,
        },
      };
    case "list":
      return { $ref: "#/components/schemas/Page", description: `A page of \`${type}\`.` };
    default:
      return item;
  }
}

function parameters(route: RouteSpec): Json[] {
  const out: Json[] = [];
  for (const [, name] of route.path.matchAll(/:([A-Za-z]+)/g)) {
    out.push({ name, in: "path", required: true, schema: { type: "string", minLength: 1 } });
  }
  if (route.query !== undefined) {
    for (const [name, field] of Object.entries(route.query.shape)) {
      const schema = field as z.ZodType;
      out.push({
        name,
        in: "query",
        required: !schema.safeParse(undefined).success,
        schema: name === "limit"
          ? { type: "integer", minimum: 1, maximum: 500 }
          : jsonSchema(schema),
      });
    }
  }
  if (route.method === "POST") out.push({ $ref: "#/components/parameters/IdempotencyKey" });
  return out;
}

function operation(route: RouteSpec): Json {
  const status = route.status ?? (route.envelope === "none" ? 204 : 200);
  const headers = { "x-request-id": { $ref: "#/components/headers/RequestId" } };
  const success = status === 204 ? { description: "Done: no body", headers } : {
    description: route.summary,
    headers,
    content: { "application/json": { schema: successBody(route) } },
  };
  const responses: Json = { [String(status)]: success };
  if (route.alsoStatus !== undefined) responses[String(route.alsoStatus)] = success;
  for (const code of errorStatuses(route)) {
    responses[String(code)] = {
      description: STATUS_TEXT[code] ?? "Error",
      headers,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
    };
  }
  const out: Json = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.auth],
    responses,
  };
  const params = parameters(route);
  if (params.length > 0) out.parameters = params;
  if (route.body !== undefined) {
    out.requestBody = {
      required: route.bodyOptional !== true,
      content: {
        "application/json": {
          schema: route.body === "object"
            ? { type: "object", description: "A JSON object (see the SDK's request type)." }
            : jsonSchema(route.body),
        },
      },
    };
  }
  return out;
}

/**
 * Builds the OpenAPI 3.1 document of {@linkcode ROUTES}. Deterministic: the same source gives
 * the same document, byte for byte once serialised.
 *
 * @example
 * ```ts ignore
 * const document = buildOpenApiDocument();
 * document.paths["/api/v1/market/orders"].post.operationId; // "createMarketOrder"
 * ```
 */
export function buildOpenApiDocument(): Json & { paths: Record<string, Record<string, Json>> } {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES) {
    const path = fullPath(route).replace(/:([A-Za-z]+)/g, "{$1}");
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "peaqOS Machine Markets API",
      version: "1.0.0-rev.2",
      summary:
        "The wire of peaq's Machine Markets API (contract revision 2), as the sandbox serves it.",
      description:
        "Generated from the shared zod contract and the route table in `sandbox/openapi.ts` " +
        `(SDK ${VERSION}); do not edit by hand: run \`deno task openapi\`. Every error is ` +
        "`{ error: { code, message, details } }`. Every POST takes an optional " +
        "`idempotency-key`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    tags: [...new Set(ROUTES.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "Platform API key.",
        },
        agentPairingToken: {
          type: "apiKey",
          in: "header",
          name: "x-agent-pairing-token",
          description: "An agent pairing's session token (HS256); on the heartbeat, the machine " +
            "agent's provisioning token.",
        },
        machineAgentBearer: {
          type: "http",
          scheme: "bearer",
          description: "The machine agent's provisioning token (heartbeat only).",
        },
      },
      parameters: {
        IdempotencyKey: {
          name: "idempotency-key",
          in: "header",
          required: false,
          description: "Answers a repeated POST with the first answer for 24 hours.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
      },
      headers: {
        RequestId: { description: "The request's id.", schema: { type: "string" } },
      },
      schemas: {
        ErrorEnvelope: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "details"],
              properties: {
                code: {
                  type: "string",
                  description: "One of the SDK's `ERROR_CODE_*` values (others may appear).",
                  examples: ERROR_CODES,
                },
                message: { type: "string" },
                details: {},
              },
            },
          },
        },
        Page: {
          type: "object",
          required: ["items", "nextCursor"],
          properties: {
            items: { type: "array", items: { type: "object" } },
            nextCursor: { type: ["string", "null"] },
          },
        },
      },
    },
  };
}
