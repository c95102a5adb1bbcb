/**
 * Observability: the audit log (recorded by a middleware around every route, so no route has
 * to remember to log), runs, and machine readiness.
 *
 * - `GET /audit-events?machineId`, `GET /runs?machineId`, `GET /runs/:runId`
 * - `GET /machines/:machineId/readiness`
 *
 * @module
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AuditEvent, Machine, MachineReadiness } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { notFound } from "../errors.ts";
import { idSchema } from "../../contract/fields.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readQuery } from "../validate.ts";
import { isIdentityVerified, requireMachine } from "./machines.ts";

// Trailing path segments that name an action on the resource before them, not a resource.
const ACTION_SEGMENTS = new Set([
  "execute",
  "confirm",
  "dispute",
  "cancel",
  "retry",
  "discover",
  "resolve",
  "release",
  "refund",
  "escrow-lock",
  "heartbeat",
  "enrollment",
]);

const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: "create",
  PUT: "upsert",
  PATCH: "update",
  DELETE: "delete",
};

// Collection segments whose singular alone would be ambiguous or misleading.
const RESOURCE_NAMES: Readonly<Record<string, string>> = {
  nodes: "graph-node",
  edges: "graph-edge",
  agents: "machine-agent",
  "machine-agents": "machine-agent",
  search: "market-search",
  config: "skill-config",
  sessions: "agent-pairing-session",
};

function singular(segment: string): string {
  if (segment.endsWith("ies")) return `${segment.slice(0, -3)}y`;
  return segment.endsWith("s") ? segment.slice(0, -1) : segment;
}

/**
 * Derives `action`, `resourceType` and the path parameter naming the resource from a route
 * pattern, so new routes are audited without a table to keep in sync.
 *
 * @example
 * ```ts ignore
 * describeRoute("POST", "/market/orders/:orderId/execute");
 * // { resourceType: "order", action: "order.execute", idParam: "orderId" }
 * ```
 */
export function describeRoute(
  method: string,
  pattern: string,
): { readonly resourceType: string; readonly action: string; readonly idParam: string | null } {
  const segments = pattern.split("/").filter(Boolean);
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  const last = segments.at(-1);
  if (last !== undefined && ACTION_SEGMENTS.has(last)) {
    verb = last === "enrollment" ? "enroll" : last;
    segments.pop();
  }
  let index = segments.length - 1;
  while (index >= 0 && segments[index]!.startsWith(":")) index--;
  const segment = segments[index] ?? "resource";
  const parent = segments.slice(0, index).filter((s) => !s.startsWith(":")).at(-1);
  const resourceType = segment === "challenges"
    ? (parent === "machine-identity" ? "identity-challenge" : "pairing-challenge")
    : RESOURCE_NAMES[segment] ?? singular(segment);
  const next = segments[index + 1];
  return {
    resourceType,
    action: `${resourceType}.${verb}`,
    idParam: next?.startsWith(":") ? next.slice(1) : null,
  };
}

function field(value: unknown, name: string): string | undefined {
  const found = value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)[name]
    : undefined;
  return typeof found === "string" ? found : undefined;
}

// The record a success body is about: `{ item }`, or the bare objects' `order`/`agent`.
function subject(body: unknown): unknown {
  return field(body, "id") !== undefined
    ? body
    : (body as Record<string, unknown> | null)?.["item"] ??
      (body as Record<string, unknown> | null)?.["order"] ??
      (body as Record<string, unknown> | null)?.["agent"];
}

async function readBody(c: Context): Promise<unknown> {
  if (!c.res.headers.get("content-type")?.includes("application/json")) return undefined;
  try {
    return await c.res.clone().json();
  } catch {
    return undefined;
  }
}

function actorOf(c: Context, resourceType: string): AuditEvent["actor"] {
  if (resourceType === "machine-agent" && c.req.method === "POST" && !c.req.header("x-api-key")) {
    return "machine-agent";
  }
  if (c.req.header("x-agent-pairing-token")) return "agent";
  return c.req.header("x-api-key") ? "platform" : "system";
}

/**
 * Middleware recording every successful mutation (any method but GET/HEAD answered 2xx) in the
 * audit log. Register it before every other route so it wraps them all.
 *
 * @example
 * ```ts ignore
 * api.use("*", auditMutations(ctx));
 * ```
 */
export function auditMutations(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    await next();
    const method = c.req.method;
    const status = c.res.status;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return;
    if (status < 200 || status >= 300) return;
    const pattern = routePath(c).replace(/^\/api\/v1(?=\/)/, "");
    const { resourceType, action, idParam } = describeRoute(method, pattern);
    const body = await readBody(c);
    const record = subject(body);
    const params = c.req.param() as Record<string, string>;
    const orderId = params["orderId"];
    const machineId = params["machineId"] ?? field(record, "machineId") ??
      (resourceType === "machine" ? field(record, "id") : undefined) ??
      (orderId ? ctx.store.orders.get(orderId)?.order.machineId : undefined) ?? null;
    const resourceId = (idParam ? params[idParam] : undefined) ?? field(record, "id") ??
      field(record, "challengeId") ?? Object.values(params).at(-1) ?? "";
    ctx.store.audit.push({
      seq: ctx.ids.nextSeq(),
      event: {
        id: ctx.ids.nextId("aud"),
        machineId,
        action,
        resourceType,
        resourceId,
        actor: actorOf(c, resourceType),
        route: `${method} ${pattern}`,
        statusCode: status,
        occurredAt: ctx.now().toISOString(),
      },
    });
  };
}

const machineFilter = listQuerySchema.extend({ machineId: idSchema.optional() });

function identityCheck(ctx: SandboxContext, machine: Machine): MachineReadiness["checks"][number] {
  const ok = isIdentityVerified(ctx, machine);
  const ref = machine.identityProof?.identityRef;
  let detail: string;
  if (ref === undefined) {
    detail = ok
      ? "Identity verification is off"
      : "No verified identity: create or update the machine with an identity proof";
  } else {
    detail = ok
      ? `Verified for '${ref}'`
      : `Identity no longer resolves to its verified controller: '${ref}'`;
  }
  return { name: "identity", ok, detail };
}

function readiness(ctx: SandboxContext, machineId: string): MachineReadiness {
  const { machine } = requireMachine(ctx, machineId);
  const now = ctx.now().getTime();
  const missingPolicies = machine.policyIds.filter((id) => !ctx.store.policies.has(id));
  const pairings = [...ctx.store.pairings.values()].filter((record) =>
    record.pairing.machineId === machineId && record.pairing.status === "active"
  );
  const endpoints = [...ctx.store.runtimeEndpoints.values()]
    .map((record) => record.endpoint)
    .filter((endpoint) => endpoint.machineId === machineId);
  const stale = endpoints.filter((endpoint) =>
    endpoint.status === "unreachable" ||
    (endpoint.leaseExpiresAt !== null && Date.parse(endpoint.leaseExpiresAt) <= now)
  );
  const checks = [
    identityCheck(ctx, machine),
    {
      name: "status",
      ok: machine.status === "active",
      detail: `Machine is '${machine.status}'`,
    },
    {
      name: "policies",
      ok: missingPolicies.length === 0,
      detail: missingPolicies.length === 0
        ? `${machine.policyIds.length} policy reference(s) resolve`
        : `Unknown policies: ${missingPolicies.map((id) => `'${id}'`).join(", ")}`,
    },
    {
      name: "agent-pairing",
      ok: pairings.length > 0,
      detail: `${pairings.length} active agent pairing(s)`,
    },
    {
      name: "runtime-endpoints",
      ok: stale.length === 0,
      detail: stale.length === 0
        ? `${endpoints.length} runtime endpoint(s), none stale`
        : `Stale or unreachable: ${stale.map((e) => `'${e.providerKey}'`).join(", ")}`,
    },
  ];
  return { machineId, ready: checks.every((check) => check.ok), checks };
}

/**
 * Registers the observability routes (the audit middleware is registered separately, first).
 *
 * @example
 * ```ts ignore
 * registerObservabilityRoutes(api, ctx);
 * ```
 */
export function registerObservabilityRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/audit-events", platform, (c) => {
    const query = readQuery(c, machineFilter);
    const records = ctx.store.audit.filter((record) =>
      query.machineId === undefined || record.event.machineId === query.machineId
    );
    return c.json(paginate(records, query, (record) => record.event));
  });

  api.get("/runs", platform, (c) => {
    const query = readQuery(c, machineFilter);
    const records = [...ctx.store.runs.values()].filter((record) =>
      query.machineId === undefined || record.run.machineId === query.machineId
    );
    return c.json(paginate(records, query, (record) => record.run));
  });

  api.get("/runs/:runId", platform, (c) => {
    const runId = c.req.param("runId");
    const record = ctx.store.runs.get(runId);
    if (!record) throw notFound("Run", runId);
    return c.json({ item: record.run });
  });

  api.get("/machines/:machineId/readiness", platform, (c) => {
    return c.json({ item: readiness(ctx, c.req.param("machineId")) });
  });
}
