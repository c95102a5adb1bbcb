/**
 * Executing an order ({@linkcode executeOrder}): it must be open, not yet executed and paid for
 * (unless no payment is required); an x402 order's proved authorization must ride along and is
 * settled by a delivered run. A handoff service hands the order over (202); a native one runs on
 * the built-in simulated provider, or is forwarded over HTTP to the machine's runtime endpoint for
 * the service's provider key (`POST <endpointBaseUrl>/execute` with `{ orderId, serviceId,
 * skillKey, operation, input }` and the endpoint's credentials; it answers `{ output, summary?,
 * status? }`). An endpoint that is missing, lease-expired or does not answer is 503
 * `ENDPOINT_UNREACHABLE`, one that answers badly 502, and the order goes back to where it was.
 * Every execution is recorded as a task, a route and, for native runs, a run and an outcome
 * (`tasks.ts`).
 *
 * @module
 */
import { formatMoney } from "../../contract/money.ts";
import type { MarketOrder, MarketOutcome, MarketRun } from "../../src/types/mod.ts";
import { checkServiceInput, serviceRuntime } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { simulate, type SimulatedResult } from "../simulator.ts";
import type { OrderRecord } from "../store.ts";
import { requireActiveMachine } from "./machines.ts";
import { assertOrderOpen, isPaidFor, UNEXECUTED_ORDER_STATUSES, updateOrder } from "./orders.ts";
import { findRuntimeEndpoint } from "./runtime_endpoints.ts";
import { type OrderExecution, recordOrderExecution } from "./tasks.ts";
import type { X402Settlement } from "../x402.ts";
import { authorizeX402Execution, settleX402Execution, x402PaymentResponse } from "./x402_rail.ts";

/** What execute answers: status, body and extra headers (x402's `PAYMENT-RESPONSE`). */
export type ExecuteAnswer = {
  readonly status: 200 | 202;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * Executes an order for its agent (see the module doc); `paymentSignature` is the request's
 * `PAYMENT-SIGNATURE` header, which an x402 order needs.
 *
 * @example
 * ```ts ignore
 * const answer = await executeOrder(ctx, record, body.input, c.req.header("payment-signature"));
 * return c.json(answer.body, answer.status, answer.headers);
 * ```
 */
export async function executeOrder(
  ctx: SandboxContext,
  record: OrderRecord,
  extraInput: Record<string, unknown> | undefined,
  paymentSignature: string | undefined,
): Promise<ExecuteAnswer> {
  assertOrderOpen(record);
  const { order } = record;
  if (!UNEXECUTED_ORDER_STATUSES.has(order.status)) {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Order was already executed: '${order.id}' is '${order.status}'`,
    );
  }
  if (!isPaidFor(ctx, record)) {
    const payment = ctx.store.payments.get(order.id);
    throw new ApiError(
      402,
      "PAYMENT_REQUIRED",
      `Payment of ${
        formatMoney(record.price.units)
      } ${record.price.currency} must be held before execution: '${order.id}'`,
      { amount: record.price.amount, currency: record.price.currency, payment: payment ?? null },
    );
  }
  // Checked before anything changes: a refused payment leaves the order and payment as they were.
  const x402 = authorizeX402Execution(ctx, record, paymentSignature);
  requireActiveMachine(ctx, order.machineId);
  const service = order.serviceSnapshot;
  const runtime = serviceRuntime(service);
  if (runtime === "unsupported") {
    throw new ApiError(
      422,
      "EXECUTION_UNSUPPORTED",
      `Service cannot be executed in the sandbox: '${service.id}'`,
    );
  }
  if (runtime === "handoff") {
    if (!service.handoff) {
      throw new ApiError(422, "EXECUTION_UNSUPPORTED", `Service has no handoff: '${service.id}'`);
    }
    const handoff = service.handoff;
    updateOrder(ctx, record, { status: "handoff", handoff }, "order.handoff");
    // Handed over is executed: an x402 authorization is settled now, as with a native run.
    const settlement = x402 && settleX402Execution(ctx, record, x402, true);
    return {
      status: 202,
      body: {
        order: recorded(ctx, record, { mode: "external-handoff" }),
        execution: { statusCode: 202, mode: "external-handoff", handoff },
      },
      ...paymentResponse(settlement),
    };
  }

  const input = { ...order.input, ...extraInput };
  if (extraInput) checkServiceInput(service, order.operation, input);
  const previous = order.status;
  // Marked executing before the first await, so a concurrent execute sees it and refuses.
  updateOrder(ctx, record, { status: "executing", input }, "order.executing");
  const startedAt = ctx.now().toISOString();
  let result: SimulatedResult;
  try {
    result = runtime === "endpoint"
      ? await runOnEndpoint(ctx, record.order, input)
      : runSimulated(record.order, input);
  } catch (err) {
    // The endpoint was not reached: nothing ran, so the order can be executed again.
    updateOrder(ctx, record, { status: previous });
    throw err;
  }
  const run: MarketRun = {
    id: ctx.ids.nextId("run"),
    orderId: order.id,
    providerKey: order.providerKey,
    operation: order.operation,
    status: result.status,
    startedAt,
    completedAt: ctx.now().toISOString(),
  };
  const outcome: MarketOutcome = {
    id: ctx.ids.nextId("out"),
    runId: run.id,
    status: result.status,
    output: result.output,
    summary: result.summary,
  };
  if (result.status === "succeeded") {
    updateOrder(
      ctx,
      record,
      { status: "delivered", runId: run.id, outcomeId: outcome.id },
      "order.delivered",
    );
  } else {
    updateOrder(ctx, record, {
      status: "failed",
      runId: run.id,
      outcomeId: outcome.id,
      errorMessage: result.summary,
    }, "order.failed");
  }
  // Settled only when the run delivered; a failed run leaves the authorization unspent.
  const settlement = x402 && settleX402Execution(ctx, record, x402, result.status === "succeeded");
  return {
    status: 200,
    body: {
      order: recorded(ctx, record, { mode: "native", run, outcome }),
      execution: { statusCode: 200, mode: "native", run, outcome },
    },
    ...paymentResponse(settlement),
  };
}

// x402's PAYMENT-RESPONSE header, when the execution settled an authorization.
function paymentResponse(settlement: X402Settlement | undefined): Pick<ExecuteAnswer, "headers"> {
  return settlement ? { headers: { "payment-response": x402PaymentResponse(settlement) } } : {};
}

// The order once its execution is recorded, carrying the task and route it was recorded under.
function recorded(
  ctx: SandboxContext,
  record: OrderRecord,
  execution: OrderExecution,
): MarketOrder {
  return updateOrder(ctx, record, recordOrderExecution(ctx, record.order, execution));
}

/** How long a runtime endpoint may take to answer one execution. */
export const ENDPOINT_TIMEOUT_MS = 5_000;

/**
 * Runs `order` on the simulated provider.
 *
 * @example
 * ```ts ignore
 * const result = runSimulated(order, input);
 * ```
 */
export function runSimulated(order: MarketOrder, input: Record<string, unknown>): SimulatedResult {
  return simulate(order.operation, input);
}

/**
 * Forwards `order` to its machine's runtime endpoint and returns what it produced.
 *
 * @example
 * ```ts ignore
 * const result = await runOnEndpoint(ctx, order, input);
 * ```
 */
export async function runOnEndpoint(
  ctx: SandboxContext,
  order: MarketOrder,
  input: Record<string, unknown>,
): Promise<SimulatedResult> {
  const target = findRuntimeEndpoint(ctx, order.machineId, order.providerKey);
  if (!target) {
    throw new ApiError(
      503,
      "ENDPOINT_UNREACHABLE",
      `No live runtime endpoint for provider '${order.providerKey}' on machine '${order.machineId}'`,
    );
  }
  const base = target.endpointBaseUrl.endsWith("/")
    ? target.endpointBaseUrl
    : `${target.endpointBaseUrl}/`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.authToken !== null && target.authType === "bearer") {
    headers.authorization = `Bearer ${target.authToken}`;
  } else if (target.authToken !== null && target.authType === "api-key") {
    headers["x-api-key"] = target.authToken;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ENDPOINT_TIMEOUT_MS);
  let status: number;
  let text: string;
  try {
    const response = await ctx.options.fetch(new URL("execute", base), {
      method: "POST",
      headers,
      body: JSON.stringify({
        orderId: order.id,
        serviceId: order.serviceId,
        skillKey: order.skillKey,
        operation: order.operation,
        input,
      }),
      signal: controller.signal,
      redirect: "manual",
    });
    status = response.status;
    text = await response.text();
  } catch {
    throw new ApiError(
      503,
      "ENDPOINT_UNREACHABLE",
      `Runtime endpoint for provider '${order.providerKey}' did not answer`,
    );
  } finally {
    clearTimeout(timer);
  }
  const bad = (detail: string) =>
    new ApiError(
      502,
      "ENDPOINT_UNREACHABLE",
      `Runtime endpoint for provider '${order.providerKey}' answered badly: ${detail}`,
    );
  if (status < 200 || status > 299) throw bad(`HTTP ${status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw bad("not an object");
  const { output, summary, status: runStatus } = body as Record<string, unknown>;
  if (output === null || typeof output !== "object" || Array.isArray(output)) {
    throw bad("'output' is not an object");
  }
  return {
    status: runStatus === "failed" ? "failed" : "succeeded",
    output: output as Record<string, unknown>,
    summary: typeof summary === "string"
      ? summary
      : `Ran '${order.operation}' on the '${order.providerKey}' runtime endpoint`,
  };
}
