/**
 * The order-family extras of the "coming next" set:
 *
 * - A middleware around `POST /market/orders/:orderId/execute` that records each execution's
 *   task, route, run and outcome ({@linkcode recordOrderExecution}) and writes `taskId` and
 *   `routeId` on the order before the response leaves.
 * - `POST /market/orders/:orderId/retry` (agent auth): a `failed` order becomes executable again
 *   (`ready`, or `payment_pending`/`created` while its payment is not held); any other status,
 *   or a refunded payment, is 409 `ORDER_CLOSED`. A failed order stops counting against the
 *   pairing's spend limits, so a retry is checked against them again, as a new order would be
 *   (`AGENT_SPEND_LIMIT_EXCEEDED`, `AGENT_DAILY_LIMIT_EXCEEDED`). (`cancel` lives with the
 *   market's order routes.)
 *
 * @module
 */
import type { Hono, MiddlewareHandler } from "hono";
import type { MarketOrder, MarketOutcome, MarketRun, Task } from "../../src/types/mod.ts";
import { requireAgent } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { checkSpend } from "../delegation.ts";
import { ApiError } from "../errors.ts";
import { getAgentOrder, getOrder, isPaidFor, updateOrder } from "../order_state.ts";
import { requireActiveMachine } from "./machines.ts";

/** What an order's execute answered, as far as records are concerned. */
export type OrderExecution =
  | { readonly mode: "native"; readonly run: MarketRun; readonly outcome: MarketOutcome }
  | { readonly mode: "external-handoff" };

/**
 * Records an executed order: one task per order (created on the first execution, updated on a
 * retry's), its route, and for native runs the run and outcome. Returns the ids to write on the
 * order.
 *
 * @example
 * ```ts ignore
 * const ids = recordOrderExecution(ctx, order, { mode: "native", run, outcome });
 * updateOrder(ctx, record, ids);
 * ```
 */
export function recordOrderExecution(
  ctx: SandboxContext,
  order: MarketOrder,
  execution: OrderExecution,
): { readonly taskId: string; readonly routeId: string } {
  const store = ctx.store;
  const now = ctx.now().toISOString();
  const existing = order.taskId ? store.tasks.get(order.taskId) : undefined;
  const taskId = existing?.task.id ?? ctx.ids.nextId("task");
  let routeId = existing?.task.routeId ?? null;
  if (routeId === null) {
    routeId = ctx.ids.nextId("route");
    store.routes.set(routeId, {
      id: routeId,
      taskId,
      machineId: order.machineId,
      serviceId: order.serviceId,
      skillKey: order.skillKey,
      providerKey: order.providerKey,
      operation: order.operation,
      createdAt: now,
    });
  }
  const native = execution.mode === "native" ? execution : undefined;
  if (native) {
    store.runs.set(native.run.id, {
      seq: ctx.ids.nextSeq(),
      run: {
        id: native.run.id,
        machineId: order.machineId,
        orderId: order.id,
        taskId,
        routeId,
        outcomeId: native.outcome.id,
        providerKey: native.run.providerKey,
        operation: native.run.operation,
        status: native.run.status,
        startedAt: native.run.startedAt,
        completedAt: native.run.completedAt,
      },
      outcome: native.outcome,
    });
  }
  const quoteScore = order.quoteId ? ctx.store.quotes.get(order.quoteId)?.quote.score : undefined;
  const task: Task = {
    id: taskId,
    machineId: order.machineId,
    orderId: order.id,
    intent: `${order.operation} via ${order.serviceSnapshot.name}`,
    skillKey: order.skillKey,
    serviceId: order.serviceId,
    // A handoff leaves the work to the external provider: routed, but not run here.
    status: native ? native.run.status : "resolved",
    input: order.input,
    candidates: [{ serviceId: order.serviceId, skillKey: order.skillKey, score: quoteScore ?? 1 }],
    routeId,
    runId: native?.run.id ?? null,
    outcomeId: native?.outcome.id ?? null,
    createdAt: existing?.task.createdAt ?? now,
    updatedAt: now,
  };
  if (existing) existing.task = task;
  else store.tasks.set(taskId, { seq: ctx.ids.nextSeq(), task });
  return { taskId, routeId };
}

/**
 * Middleware for the execute route: after a 200/202, records the execution and answers with the
 * order carrying its `taskId` and `routeId`.
 *
 * @example
 * ```ts ignore
 * api.post("/market/orders/:orderId/execute", recordExecutions(ctx));
 * ```
 */
export function recordExecutions(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status !== 200 && c.res.status !== 202) return;
    const body = await c.res.clone().json() as {
      order: MarketOrder;
      execution: OrderExecution;
    };
    const record = getOrder(ctx, body.order.id);
    const ids = recordOrderExecution(ctx, record.order, body.execution);
    const order = updateOrder(ctx, record, ids);
    c.res = new Response(JSON.stringify({ ...body, order }), {
      status: c.res.status,
      headers: { "content-type": "application/json" },
    });
  };
}

function retryStatus(ctx: SandboxContext, orderId: string): MarketOrder["status"] {
  const record = getOrder(ctx, orderId);
  if (isPaidFor(ctx, record)) return "ready";
  return ctx.store.payments.has(orderId) ? "payment_pending" : "created";
}

/**
 * Registers `POST /market/orders/:orderId/retry` and the execution recorder. Call it before the
 * market routes so the recorder wraps their execute handler.
 *
 * @example
 * ```ts ignore
 * registerOrderExtraRoutes(api, ctx);
 * ```
 */
export function registerOrderExtraRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  api.post("/market/orders/:orderId/execute", recordExecutions(ctx));

  api.post("/market/orders/:orderId/retry", requireAgent(ctx), (c) => {
    const pairing = c.get("pairing");
    const record = getAgentOrder(ctx, pairing, c.req.param("orderId"));
    const { order } = record;
    if (order.status !== "failed") {
      throw new ApiError(
        409,
        "ORDER_CLOSED",
        `Only a failed order can be retried: '${order.id}' is '${order.status}'`,
      );
    }
    const payment = ctx.store.payments.get(order.id) ?? null;
    if (payment?.status === "refunded") {
      throw new ApiError(
        409,
        "ORDER_CLOSED",
        `Order's payment was refunded; place a new order: '${order.id}'`,
      );
    }
    // The order runs again, so the machine must still be able to take it.
    requireActiveMachine(ctx, order.machineId);
    // A failed order stopped counting against the limits; its retry counts again, on its day.
    checkSpend(ctx, pairing, record.price.units, record.price.currency, record.spendDay);
    const updated = updateOrder(ctx, record, {
      status: retryStatus(ctx, order.id),
      errorMessage: null,
    });
    return c.json({ order: updated, payment: ctx.store.payments.get(order.id) ?? null });
  });
}
