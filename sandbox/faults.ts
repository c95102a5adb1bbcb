/**
 * Fault injection for the test controls: added latency and forced error statuses on the next
 * N calls of a route, so a client's retry, timeout and error paths can be tested against the
 * real sandbox. A rule names a route as the SDK does (`"POST /market/orders"`, with `:params`,
 * relative to `/api/v1`; `"*"` for every route) and either delays the matching calls, answers
 * them with a status, or both.
 *
 * A status rule answers before the route runs by default (the request is lost); with
 * `after: true` the route runs first and its answer is replaced (the effect happened, the
 * answer was lost): what an idempotency key exists to recover from.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { SandboxEnv } from "./context.ts";
import { errorBody } from "./errors.ts";

/** The longest delay a rule may add, in milliseconds. */
export const MAX_FAULT_DELAY_MS = 60_000;

/** What a client sends to add a rule (`POST /__sandbox/faults`). */
export type SandboxFaultInput = {
  /** `"<METHOD> <path>"` (`:param` segments match any value; method `*` any method), or `"*"`. */
  readonly route: string;
  /** Status to answer with (400..599). */
  readonly status?: number | undefined;
  /** Milliseconds to wait before the call goes on (0..60000). */
  readonly delayMs?: number | undefined;
  /** How many matching calls the rule affects; default 1 with a `status`, else every call. */
  readonly times?: number | undefined;
  /** Run the route first, then replace its answer with `status`. */
  readonly after?: boolean | undefined;
  /** Error code of the forced answer; default `"SANDBOX_FAULT"`. */
  readonly code?: string | undefined;
  /** Error message of the forced answer. */
  readonly message?: string | undefined;
  /** `Retry-After` seconds sent with the forced answer. */
  readonly retryAfter?: number | undefined;
};

/** A rule as the controls report it. */
export type SandboxFault = {
  readonly id: string;
  readonly route: string;
  readonly status: number | null;
  readonly delayMs: number;
  /** Calls still to affect; `null` for every call. */
  readonly remaining: number | null;
  readonly after: boolean;
  readonly code: string;
  readonly message: string | null;
  readonly retryAfter: number | null;
  /** Calls affected so far. */
  readonly hits: number;
};

const ROUTE = /^(?:\*|(?:GET|POST|PUT|PATCH|DELETE|\*) \/[^\s?#]*)$/;

/** zod schema of {@linkcode SandboxFaultInput}. */
export const faultInputSchema = z.strictObject({
  route: z.string().regex(ROUTE, "must be '<METHOD> /path' (e.g. 'POST /market/orders') or '*'"),
  status: z.number().int().min(400).max(599).optional(),
  delayMs: z.number().int().min(0).max(MAX_FAULT_DELAY_MS).optional(),
  times: z.number().int().min(1).max(1_000_000).optional(),
  after: z.boolean().optional(),
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, "must be an UPPER_SNAKE_CASE code").optional(),
  message: z.string().min(1).max(500).optional(),
  retryAfter: z.number().int().min(0).max(86_400).optional(),
}).refine((rule) => rule.status !== undefined || rule.delayMs !== undefined, {
  message: "needs 'status', 'delayMs' or both",
  path: ["status"],
}).refine((rule) => rule.after !== true || rule.status !== undefined, {
  message: "'after' needs a 'status'",
  path: ["after"],
});

type Rule = {
  readonly id: string;
  readonly route: string;
  readonly method: string;
  readonly path: RegExp;
  readonly status: number | null;
  readonly delayMs: number;
  remaining: number | null;
  readonly after: boolean;
  readonly code: string;
  readonly message: string | null;
  readonly retryAfter: number | null;
  hits: number;
};

/** The fault rules of one app, and the middleware that applies them. */
export type FaultTable = {
  /** Adds a rule (already checked with {@linkcode faultInputSchema}). */
  add(input: z.output<typeof faultInputSchema>): SandboxFault;
  /** The rules still active, in the order they were added. */
  list(): SandboxFault[];
  /** Removes every rule. */
  clear(): void;
  /** Applies the rules to matching requests; `skip` exempts a request (internal calls). */
  middleware(skip: (request: Request) => boolean): MiddlewareHandler<SandboxEnv>;
};

function pathPattern(path: string): RegExp {
  // Routes are written as the SDK writes them, relative to /api/v1; /health stays at the root.
  const full = path.startsWith("/api/v1/") || path === "/health" || path === "/openapi.json"
    ? path
    : `/api/v1${path === "/" ? "" : path}`;
  const source = full.split("/").map((segment) =>
    segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${source}/?$`);
}

function view(rule: Rule): SandboxFault {
  return {
    id: rule.id,
    route: rule.route,
    status: rule.status,
    delayMs: rule.delayMs,
    remaining: rule.remaining,
    after: rule.after,
    code: rule.code,
    message: rule.message,
    retryAfter: rule.retryAfter,
    hits: rule.hits,
  };
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Creates an empty fault table; `nextId` names the rules.
 *
 * @example
 * ```ts ignore
 * const faults = createFaultTable(() => ctx.ids.nextId("flt"));
 * app.use("*", faults.middleware((request) => internal.has(request)));
 * faults.add({ route: "POST /market/orders", status: 503, times: 2 });
 * ```
 */
export function createFaultTable(nextId: () => string): FaultTable {
  const rules: Rule[] = [];

  const take = (method: string, path: string): { delayMs: number; status?: Rule } => {
    let delayMs = 0;
    let status: Rule | undefined;
    for (const rule of [...rules]) {
      if (rule.method !== "*" && rule.method !== method) continue;
      if (!rule.path.test(path)) continue;
      // A second status rule waits for its turn: one forced answer per call.
      if (rule.status !== null && status !== undefined) continue;
      delayMs += rule.delayMs;
      if (rule.status !== null) status = rule;
      rule.hits++;
      if (rule.remaining !== null && --rule.remaining === 0) rules.splice(rules.indexOf(rule), 1);
    }
    return { delayMs: Math.min(delayMs, MAX_FAULT_DELAY_MS), ...(status && { status }) };
  };

  return {
    add(input) {
      const [method, path] = input.route === "*" ? ["*", "/*"] : input.route.split(" ");
      const rule: Rule = {
        id: nextId(),
        route: input.route,
        method: method!,
        path: input.route === "*" ? /^(?!\/__sandbox(?:\/|$))/ : pathPattern(path!),
        status: input.status ?? null,
        delayMs: input.delayMs ?? 0,
        remaining: input.times ?? (input.status !== undefined ? 1 : null),
        after: input.after ?? false,
        code: input.code ?? "SANDBOX_FAULT",
        message: input.message ?? null,
        retryAfter: input.retryAfter ?? null,
        hits: 0,
      };
      rules.push(rule);
      return view(rule);
    },
    list: () => rules.map(view),
    clear() {
      rules.length = 0;
    },
    middleware(skip) {
      return async (c, next) => {
        if (rules.length === 0 || skip(c.req.raw) || c.req.path.startsWith("/__sandbox")) {
          return await next();
        }
        const { delayMs, status } = take(c.req.method, c.req.path);
        if (delayMs > 0) await wait(delayMs);
        if (status === undefined) return await next();
        const message = status.message ??
          `Injected fault: ${status.status} on '${status.route}' (test controls)`;
        const headers: Record<string, string> = { "x-sandbox-fault": status.id };
        if (status.retryAfter !== null) headers["retry-after"] = String(status.retryAfter);
        const forced = (): Response =>
          c.json(
            errorBody(status.code, message, { injected: true, faultId: status.id }),
            status.status as ContentfulStatusCode,
            headers,
          );
        if (!status.after) {
          await c.req.raw.body?.cancel().catch(() => {});
          return forced();
        }
        await next();
        // The route's answer is lost: none of its headers survive, but the request id does.
        const requestId = c.res.headers.get("x-request-id");
        if (requestId !== null) headers["x-request-id"] = requestId;
        await c.res.body?.cancel().catch(() => {});
        c.res = undefined;
        c.res = forced();
      };
    },
  };
}
