/**
 * The handoff runner, the consumer of `HANDOFF_QUEUE`. For each job (an order that reached
 * `handoff`):
 *
 * 1. Take the order's lease in the Ledger; an order already settled is acknowledged and left.
 * 2. Load the order through the SDK and check its handoff URL against the URL policy. A refused
 *    URL is never called: the job goes to the dead-letter queue for an operator.
 * 3. POST the order's input and the provider's credentials (from `PROVIDER_CREDENTIALS`) to the
 *    handoff URL, server-side, with a timeout and without following redirects.
 * 4. Record the outcome, then confirm the order (2xx) or dispute it (a refusal, or failures past
 *    `HANDOFF_MAX_ATTEMPTS`) with the agent's stored pairing session. Transient failures retry
 *    through the queue with exponential backoff; a job that keeps failing (for example the API
 *    is down) is dead-lettered by the queue after its `max_retries`.
 *
 * The Ledger records the provider call's success before confirming, so a retried job never
 * calls the provider again once it succeeded, and never confirms or disputes twice. A run holds
 * the order's lease for as long as it can take (`handoffLeaseMs`); a job that finds it held comes
 * back when it lapses, and the Ledger's alarm queues the job again if the run never settled.
 *
 * @module
 */
import { type MarketOrder, OrchestrationApiError } from "../../mod.ts";
import { type Config, handoffLeaseMs, readConfig } from "./config.ts";
import { type HandoffAction, ledger, type LedgerHandle } from "./dedupe.ts";
import type { DeadLetter, Env, HandoffJob, MessageBatch, QueueMessage } from "./env.ts";
import { loadSession, orchestration } from "./sdk.ts";
import { checkHandoffUrl } from "./url_policy.ts";
import { isId } from "./validation.ts";

/** What one provider call came to. */
type CallOutcome =
  | { readonly kind: "ok"; readonly statusCode: number }
  | {
    readonly kind: "retryable" | "permanent";
    readonly statusCode: number | null;
    readonly detail: string;
  };

const CLOSED: readonly string[] = ["confirmed", "disputed", "cancelled", "failed"];

/** Longest delay Cloudflare Queues accepts for a retry (12 hours). */
const MAX_DELAY_SECONDS = 43_200;

function backoffSeconds(config: Config, attempts: number): number {
  return Math.min(config.retryBaseSeconds * 2 ** Math.max(0, attempts - 1), 600);
}

function providerCredentials(
  env: Env,
  providerKey: string,
): Record<string, string> | undefined {
  if (!env.PROVIDER_CREDENTIALS) return undefined;
  try {
    const all = JSON.parse(env.PROVIDER_CREDENTIALS) as Record<
      string,
      Record<string, string>
    >;
    const own = all[providerKey];
    return own && typeof own === "object" ? own : undefined;
  } catch {
    console.error("edge: PROVIDER_CREDENTIALS is not valid JSON");
    return undefined;
  }
}

/** Calls the provider; never throws. */
async function callProvider(
  url: URL,
  order: MarketOrder,
  credentials: Record<string, string> | undefined,
  timeoutMs: number,
): Promise<CallOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        // Lets the provider deduplicate if a crash makes us call twice.
        "idempotency-key": `handoff_${order.id}`,
      },
      body: JSON.stringify({
        orderId: order.id,
        serviceId: order.serviceId,
        providerKey: order.providerKey,
        operation: order.operation,
        input: order.input,
        ...(credentials ? { credentials } : {}),
      }),
    });
  } catch (err) {
    const timedOut = err instanceof Error &&
      (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      kind: "retryable",
      statusCode: null,
      detail: timedOut ? `Provider timed out after ${timeoutMs} ms` : "Provider is unreachable",
    };
  }
  await response.body?.cancel();
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: "ok", statusCode: status };
  const detail = `Provider answered ${status}`;
  if (status >= 300 && status < 400) {
    return {
      kind: "permanent",
      statusCode: status,
      detail: `${detail}: redirects are not followed`,
    };
  }
  const retryable = status === 408 || status === 425 || status === 429 ||
    status >= 500;
  return {
    kind: retryable ? "retryable" : "permanent",
    statusCode: status,
    detail,
  };
}

/** Confirms or disputes the order with the agent's stored session, then settles the ledger. */
async function finalize(
  env: Env,
  order: MarketOrder,
  action: "confirm" | "dispute",
  detail: string | null,
  record: LedgerHandle,
  job: HandoffJob,
): Promise<void> {
  const token = await loadSession(env, order.agentPairingId);
  if (!token) {
    throw new Error(
      `No stored pairing session for pairing '${order.agentPairingId}'`,
    );
  }
  const market = orchestration(env);
  try {
    if (action === "confirm") {
      await market.confirmMarketOrder(order.id, token);
    } else {
      await market.disputeMarketOrder(order.id, {
        reason: `Handoff failed: ${detail ?? "provider did not accept the order"}`,
        evidence: { handoffUrl: order.handoff?.url ?? null, detail },
      }, token);
    }
  } catch (err) {
    // A 4xx will not change on retry (closed order, revoked pairing): record it and stop.
    if (
      err instanceof OrchestrationApiError && err.statusCode >= 400 &&
      err.statusCode < 500
    ) {
      await record.call("settleHandoff", {
        state: "rejected",
        detail: `${action}: ${err.code}`,
      });
      await env.HANDOFF_DLQ.send({ ...job, reason: `${action}: ${err.code}` });
      return;
    }
    throw err;
  }
  await record.call("settleHandoff", {
    state: action === "confirm" ? "confirmed" : "disputed",
  });
}

/** Runs one job; returns how the message should end. */
async function runJob(env: Env, config: Config, job: HandoffJob): Promise<
  { ack: true } | { retryAfterSeconds: number }
> {
  const record = ledger(env, `order:${job.orderId}`);
  const lease = await record.call<
    { action: HandoffAction; attempts: number; detail?: string; leaseUntil?: number }
  >("beginHandoff", { leaseMs: handoffLeaseMs(config), orderId: job.orderId });
  if (lease.action === "done") return { ack: true };
  if (lease.action === "busy") {
    // Another run holds the lease (or held it and was cut off by a restart): come back when it
    // lapses rather than spend the queue's retries on short waits. The Ledger's alarm also
    // queues the job then, should this message be lost.
    const waitMs = Math.max(0, (lease.leaseUntil ?? 0) - Date.now());
    return { retryAfterSeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(waitMs / 1000) + 1) };
  }

  // Where the order stands if this run throws: the lease is released in that state.
  let resume = lease.action === "call"
    ? "retrying"
    : lease.action === "confirm"
    ? "delivered"
    : "failed";
  try {
    const order = (await orchestration(env).getMarketOrder(job.orderId)).item;
    if (CLOSED.includes(order.status)) {
      // Settled elsewhere (the agent confirmed or disputed by hand): nothing left to do.
      await record.call("settleHandoff", {
        state: "skipped",
        detail: `Order is '${order.status}'`,
      });
      return { ack: true };
    }
    if (lease.action !== "call") {
      await finalize(env, order, lease.action, lease.detail ?? null, record, job);
      return { ack: true };
    }
    // Only an order waiting in `handoff` is handed off; anything else was settled elsewhere.
    if (order.status !== "handoff" || !order.handoff) {
      await record.call("settleHandoff", {
        state: "skipped",
        detail: `Order is '${order.status}'`,
      });
      return { ack: true };
    }
    const verdict = checkHandoffUrl(order.handoff.url, {
      allowedHosts: config.allowedHosts,
      allowLoopbackHttp: config.allowLoopbackHttp,
    });
    if (!verdict.ok) {
      await record.call("settleHandoff", {
        state: "refused",
        detail: verdict.reason,
      });
      await env.HANDOFF_DLQ.send({ ...job, reason: verdict.reason });
      console.warn(
        `edge: handoff refused for order '${order.id}': ${verdict.reason}`,
      );
      return { ack: true };
    }
    const outcome = await callProvider(
      verdict.url,
      order,
      providerCredentials(env, order.providerKey),
      config.handoffTimeoutMs,
    );
    if (outcome.kind === "ok") {
      resume = "delivered";
      await record.call("settleHandoff", {
        state: "delivered",
        statusCode: outcome.statusCode,
      });
      await finalize(env, order, "confirm", null, record, job);
      return { ack: true };
    }
    if (
      outcome.kind === "retryable" && lease.attempts < config.handoffMaxAttempts
    ) {
      await record.call("settleHandoff", {
        state: "retrying",
        statusCode: outcome.statusCode,
        detail: outcome.detail,
      });
      return { retryAfterSeconds: backoffSeconds(config, lease.attempts) };
    }
    resume = "failed";
    await record.call("settleHandoff", {
      state: "failed",
      statusCode: outcome.statusCode,
      detail: outcome.detail,
    });
    await finalize(env, order, "dispute", outcome.detail, record, job);
    return { ack: true };
  } catch (err) {
    await record.call("settleHandoff", { state: resume }).catch(() => undefined);
    throw err;
  }
}

/** The Queue consumer: runs each job, retrying transient failures with backoff. */
export async function handleHandoffBatch(
  batch: MessageBatch<HandoffJob>,
  env: Env,
): Promise<void> {
  const config = readConfig(env);
  for (const message of batch.messages) {
    await handleMessage(message, env, config);
  }
}

async function handleMessage(
  message: QueueMessage<HandoffJob>,
  env: Env,
  config: Config,
): Promise<void> {
  const job = message.body;
  if (!job || !isId(job.orderId)) {
    console.error("edge: dropping a malformed handoff job");
    message.ack();
    return;
  }
  try {
    const result = await runJob(env, config, job);
    if ("ack" in result) message.ack();
    else message.retry({ delaySeconds: result.retryAfterSeconds });
  } catch (err) {
    console.error(
      `edge: handoff of order '${job.orderId}' failed, will retry:`,
      err instanceof Error ? err.message : "unknown error",
    );
    message.retry({ delaySeconds: backoffSeconds(config, message.attempts) });
  }
}

/**
 * The dead-letter queue's consumer: notes each dead job on its order (visible at
 * `GET /v1/edge/orders/:orderId`, replayable with `POST .../handoff`) and acknowledges it. The
 * order's handoff state is kept, so a replay resumes where the job stopped.
 */
export async function handleDeadLetterBatch(
  batch: MessageBatch<Partial<DeadLetter>>,
  env: Env,
): Promise<void> {
  for (const message of batch.messages) {
    const { orderId, reason } = message.body ?? {};
    if (!isId(orderId)) {
      message.ack();
      continue;
    }
    const why = typeof reason === "string" ? reason : "Queue retries exhausted";
    try {
      await ledger(env, `order:${orderId}`).call("recordDeadLetter", { reason: why });
      console.error(`edge: handoff of order '${orderId}' dead-lettered: ${why}`);
      message.ack();
    } catch {
      message.retry();
    }
  }
}
