/**
 * The handoff runner, the consumer of `HANDOFF_QUEUE`. For each job (an order that reached
 * `handoff`):
 *
 * 1. Take the order's lease in the Ledger; an order already settled is acknowledged and left.
 * 2. Load the order through the SDK. An order the API does not know is dropped (a 404 is final);
 *    a closed one is `skipped`; one not in `handoff` yet leaves nothing behind (a job from its
 *    own webhook read a stale order and looks again later), so the real handoff runs once.
 * 3. Find the order's owning tenant (`owners.ts`) and check the handoff URL against the URL
 *    policy. Without an owner, or with a refused URL, nothing is called: the job goes to the
 *    dead-letter queue for an operator.
 * 4. POST the order's input and the provider's credentials (from `PROVIDER_CREDENTIALS`) to the
 *    handoff URL, server-side, with a timeout and without following redirects.
 * 5. Record the outcome, then confirm the order (2xx) or dispute it (a refusal, or failures past
 *    `HANDOFF_MAX_ATTEMPTS`) with the owner's stored session for the order's pairing. Transient
 *    failures retry through the queue with exponential backoff; a job that keeps failing (for
 *    example the API is down) is dead-lettered by the queue after its `max_retries`.
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
import type { DeadLetter, Env, HandoffJob, MessageBatch, QueueMessage } from "./env.ts";
import { ledger } from "./ledger.ts";
import { adoptOwner } from "./owners.ts";
import { orchestration } from "./sdk.ts";
import { loadSession } from "./sessions.ts";
import { checkHandoffUrl } from "./url_policy.ts";
import { isId } from "./validation.ts";

/** The RPC stub of an order's Ledger instance. */
type OrderLedger = ReturnType<typeof ledger>;

/** What one provider call came to. */
type CallOutcome =
  | { readonly kind: "ok"; readonly statusCode: number }
  | {
    readonly kind: "retryable" | "permanent";
    readonly statusCode: number | null;
    readonly detail: string;
  };

const CLOSED: readonly string[] = [
  "confirmed",
  "disputed",
  "cancelled",
  "failed",
];

/** Longest delay Cloudflare Queues accepts for a retry (12 hours). */
const MAX_DELAY_SECONDS = 43_200;

function backoffSeconds(config: Config, attempts: number): number {
  return Math.min(
    config.retryBaseSeconds * 2 ** Math.max(0, attempts - 1),
    600,
  );
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

/** Whether a job came from an `order.handoff` webhook (not a replay or the lease alarm). */
function fromWebhook(job: HandoffJob): boolean {
  return job.webhookId !== "replay" && job.webhookId !== "lease-lapsed";
}

/**
 * Leaves the order for an operator: the lease is released with the state kept (nothing final),
 * and the job is parked on the dead-letter queue with the reason, which the dead-letter
 * consumer notes on the order. A replay resumes it.
 */
async function park(
  env: Env,
  record: OrderLedger,
  job: HandoffJob,
  reason: string,
): Promise<{ ack: true }> {
  await record.releaseHandoff();
  await env.HANDOFF_DLQ.send({ ...job, reason });
  console.warn(`edge: handoff of order '${job.orderId}' parked: ${reason}`);
  return { ack: true };
}

/**
 * Confirms or disputes the order with the owning tenant's stored session, then settles the
 * ledger. Without a session, or when the API refuses the session (401/403), the order is parked
 * as it is: storing a new session and replaying finishes it. Other 4xx answers will not change
 * on retry (a closed order, say): recorded as `rejected`.
 */
async function finalize(
  env: Env,
  owner: string,
  order: MarketOrder,
  action: "confirm" | "dispute",
  detail: string | null,
  record: OrderLedger,
  job: HandoffJob,
): Promise<{ ack: true }> {
  const token = await loadSession(env, owner, order.agentPairingId);
  if (!token) {
    const reason = `${action}: no stored session for pairing '${order.agentPairingId}'`;
    return await park(env, record, job, reason);
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
    if (
      !(err instanceof OrchestrationApiError) || err.statusCode < 400 ||
      err.statusCode >= 500
    ) {
      throw err;
    }
    if (err.statusCode === 401 || err.statusCode === 403) {
      const reason = `${action}: the stored session for pairing '${order.agentPairingId}' ` +
        `was refused: ${err.code}`;
      return await park(env, record, job, reason);
    }
    await record.settleHandoff({
      state: "rejected",
      detail: `${action}: ${err.code}`,
    });
    await env.HANDOFF_DLQ.send({ ...job, reason: `${action}: ${err.code}` });
    return { ack: true };
  }
  await record.settleHandoff({
    state: action === "confirm" ? "confirmed" : "disputed",
  });
  return { ack: true };
}

/** Loads the order; `undefined` when the API says it does not exist (final for the job). */
async function loadOrder(
  env: Env,
  orderId: string,
): Promise<MarketOrder | undefined> {
  try {
    return (await orchestration(env).getMarketOrder(orderId)).item;
  } catch (err) {
    if (err instanceof OrchestrationApiError && err.statusCode === 404) {
      return undefined;
    }
    throw err;
  }
}

/** Runs one job; returns how the message should end. */
async function runJob(
  env: Env,
  config: Config,
  job: HandoffJob,
  delivery: number,
): Promise<{ ack: true } | { retryAfterSeconds: number }> {
  const record: OrderLedger = ledger(env, `order:${job.orderId}`);
  const lease = await record.beginHandoff(job.orderId, handoffLeaseMs(config));
  if (lease.action === "done") return { ack: true };
  if (lease.action === "busy") {
    // Another run holds the lease (or held it and was cut off by a restart): come back when it
    // lapses rather than spend the queue's retries on short waits. The Ledger's alarm also
    // queues the job then, should this message be lost.
    const waitMs = Math.max(0, lease.leaseUntil - Date.now());
    return {
      retryAfterSeconds: Math.min(
        MAX_DELAY_SECONDS,
        Math.ceil(waitMs / 1000) + 1,
      ),
    };
  }

  // What to leave behind if this run throws: until the provider is called, nothing changes.
  let onThrow = () => record.releaseHandoff();
  try {
    const order = await loadOrder(env, job.orderId);
    if (!order) {
      // Unknown to the API: nothing to hand off, and retrying will not change that.
      await record.releaseHandoff();
      console.warn(
        `edge: handoff of order '${job.orderId}' dropped: the API has no such order`,
      );
      return { ack: true };
    }
    if (CLOSED.includes(order.status)) {
      // Settled elsewhere (the agent confirmed or disputed by hand): nothing left to do.
      await record.settleHandoff({
        state: "skipped",
        detail: `Order is '${order.status}'`,
      });
      return { ack: true };
    }
    if (
      lease.action === "call" && (order.status !== "handoff" || !order.handoff)
    ) {
      // Not handed off yet. Nothing is recorded, so the real handoff still runs once. A job
      // from the order's own `order.handoff` event read a stale order: look again later.
      await record.releaseHandoff();
      return fromWebhook(job)
        ? { retryAfterSeconds: backoffSeconds(config, delivery) }
        : { ack: true };
    }
    const owner = await adoptOwner(env, order.id, order.agentPairingId);
    if (owner === null) {
      const reason = `no edge tenant owns the order: it was not created through the proxy, ` +
        `and not exactly one tenant holds a session for pairing '${order.agentPairingId}'`;
      return await park(env, record, job, reason);
    }
    if (lease.action !== "call") {
      return await finalize(
        env,
        owner,
        order,
        lease.action,
        lease.detail,
        record,
        job,
      );
    }
    const verdict = checkHandoffUrl(order.handoff!.url, {
      allowedHosts: config.allowedHosts,
      allowLoopbackHttp: config.allowLoopbackHttp,
    });
    if (!verdict.ok) {
      await record.settleHandoff({ state: "refused", detail: verdict.reason });
      await env.HANDOFF_DLQ.send({ ...job, reason: verdict.reason });
      console.warn(
        `edge: handoff refused for order '${order.id}': ${verdict.reason}`,
      );
      return { ack: true };
    }
    const attempts = await record.startCall();
    onThrow = () => record.settleHandoff({ state: "retrying" });
    const outcome = await callProvider(
      verdict.url,
      order,
      providerCredentials(env, order.providerKey),
      config.handoffTimeoutMs,
    );
    if (outcome.kind === "ok") {
      await record.settleHandoff({
        state: "delivered",
        statusCode: outcome.statusCode,
      });
      // From here a failure keeps `delivered`: the retry confirms without calling again.
      onThrow = () => record.releaseHandoff();
      return await finalize(env, owner, order, "confirm", null, record, job);
    }
    if (outcome.kind === "retryable" && attempts < config.handoffMaxAttempts) {
      await record.settleHandoff({
        state: "retrying",
        statusCode: outcome.statusCode,
        detail: outcome.detail,
      });
      return { retryAfterSeconds: backoffSeconds(config, attempts) };
    }
    await record.settleHandoff({
      state: "failed",
      statusCode: outcome.statusCode,
      detail: outcome.detail,
    });
    onThrow = () => record.releaseHandoff();
    return await finalize(
      env,
      owner,
      order,
      "dispute",
      outcome.detail,
      record,
      job,
    );
  } catch (err) {
    await onThrow().catch(() => undefined);
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
    const result = await runJob(env, config, job, message.attempts);
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
      await ledger(env, `order:${orderId}`).recordDeadLetter(why);
      console.error(
        `edge: handoff of order '${orderId}' dead-lettered: ${why}`,
      );
      message.ack();
    } catch {
      message.retry();
    }
  }
}
