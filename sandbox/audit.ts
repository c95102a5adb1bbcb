/**
 * The audit log's recorder: a middleware around every route of the API that records each
 * successful mutation (any method but GET/HEAD/OPTIONS answered 2xx), so no route has to
 * remember to log. What was done to what is derived from the route pattern
 * ({@linkcode describeRoute}), so new routes are audited without a table to keep in sync.
 * `GET /audit-events` serves the log (`routes/observability.ts`).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AuditEvent } from "../src/types/mod.ts";
import type { SandboxContext, SandboxEnv } from "./context.ts";

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
