/**
 * `Ledger`, the Worker's one Durable Object (SQLite-backed), called through native RPC. Each
 * instance is named for what it guards, so each guard is serialised on its own:
 *
 * - `wh:<webhook-id>`: the delivery claim that makes concurrent and repeated deliveries of one
 *   webhook take effect exactly once;
 * - `order:<orderId>`: the order's owner (the tenant it belongs to at the edge), its recorded
 *   events, its handoff state machine (at most one handoff takes effect per order), the jobs
 *   that reached the dead-letter queue, the MCP tool calls made on it (`mcp.tool_call`) and,
 *   between an x402 proof and the execution it rides on, the sealed payment signature;
 * - `session:<tenant>:<agentPairingId>`: one tenant's pairing session for an agent, AES-GCM
 *   sealed by the caller;
 * - `rate:<tenant>`: the tenant's request counter; `rate:mcp:<tenant>` its MCP tool-call counter.
 *
 * Every method is synchronous SQL with no `await` before its last write, so it runs atomically:
 * the runtime delivers no other call to the instance in between.
 *
 * A handoff lease also sets the instance's alarm for when it lapses: if the run that took it
 * never settled (the Worker was restarted mid-call, the queued job was lost), the alarm queues
 * the order's handoff again, so it completes without an operator.
 *
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type { Sealed } from "./crypto.ts";
import type { DurableObjectState, Env, SqlStorage } from "./env.ts";

/** How long a claimed webhook stays claimed if the claimant dies before completing it. */
const WEBHOOK_CLAIM_LEASE_MS = 60_000;

/** How many times one lapsed lease is re-queued by the alarm before it is left to an operator. */
const MAX_LEASE_REQUEUES = 3;

/**
 * Requests the rate counter reserves in storage at a time. The count itself lives in memory;
 * storage holds a ceiling that is never below the requests served, so an instance restarted
 * mid-window resumes from the ceiling: stricter for a moment, never over the limit.
 */
const RATE_RESERVATION = 10;

/**
 * A lease's spare requests are at most this share of what the window has left (1/64), so a
 * tenant within 64 requests of its limit is counted request by request, exactly, and spare
 * requests an isolate never serves (it was evicted, or its traffic moved) are a small part of
 * the limit.
 */
const RATE_LEASE_SHARE = 64;

/** Handoff state of an order; `pending` only while a run decides (never outlives its lease). */
export type HandoffState =
  | "pending"
  | "calling"
  | "retrying"
  | "delivered"
  | "failed"
  | "refused"
  | "confirmed"
  | "disputed"
  | "skipped"
  | "rejected";

/** States after which nothing is done for the order any more. */
const FINAL: readonly HandoffState[] = [
  "confirmed",
  "disputed",
  "skipped",
  "rejected",
];

/** What the runner must do next for an order, decided when it takes the lease. */
export type HandoffLease =
  | { readonly action: "call"; readonly attempts: number }
  | {
    readonly action: "confirm" | "dispute";
    readonly attempts: number;
    readonly detail: string | null;
  }
  | { readonly action: "busy"; readonly leaseUntil: number }
  | { readonly action: "done"; readonly state: HandoffState };

/** The stored handoff record of an order. */
export type HandoffRecord = {
  readonly state: HandoffState;
  readonly attempts: number;
  readonly statusCode: number | null;
  readonly detail: string | null;
  readonly updatedAt: number;
};

/** One recorded webhook event of an order. */
export type OrderEventRecord = {
  readonly webhookId: string;
  readonly type: string;
  readonly timestamp: string;
  readonly status: string | null;
  readonly receivedAt: number;
};

/**
 * One MCP tool call made on an order: the tool, its outcome (`ok` or the error code) and a short
 * detail without secrets (e.g. the rail and the payment's status).
 */
export type ToolCallRecord = {
  readonly type: "mcp.tool_call";
  readonly tool: string;
  readonly outcome: string;
  readonly detail: string | null;
  readonly at: number;
};

/** Most tool calls kept per order (the oldest are dropped): a looping agent cannot grow it. */
const MAX_TOOL_CALLS = 200;

/** What the Worker recorded for an order (`GET /v1/edge/orders/:orderId`). */
export type OrderView = {
  readonly events: readonly OrderEventRecord[];
  readonly handoff: HandoffRecord | null;
  readonly deadLetters: readonly {
    readonly reason: string;
    readonly at: number;
  }[];
  readonly toolCalls: readonly ToolCallRecord[];
};

/**
 * How a tenant came to own an order: it created the order through the proxy (`proxy`, which
 * wins), or it was the one tenant holding a session for the order's pairing (`session`).
 */
export type OwnerSource = "proxy" | "session";

/** A sealed session as stored, with when. */
export type StoredSession = Sealed & { readonly storedAt: number };

/** The rate limiter's verdict for one request. */
export type RateVerdict = {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
};

/**
 * Requests of one fixed window granted at once by {@linkcode Ledger.leaseRate}: `granted`
 * (0 when the limit is reached) counted for the window that began at `windowStart`.
 */
export type RateLease = {
  readonly granted: number;
  readonly windowStart: number;
  readonly retryAfterSeconds: number;
};

/** The outcome a handoff step records (and releases the lease with). */
export type HandoffOutcome = {
  readonly state: HandoffState;
  readonly statusCode?: number | null;
  readonly detail?: string | null;
};

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS webhook (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL,
    lease_until INTEGER NOT NULL, type TEXT, order_id TEXT, updated_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), tenant TEXT NOT NULL,
    source TEXT NOT NULL, claimed_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS events (webhook_id TEXT PRIMARY KEY, type TEXT NOT NULL,
    timestamp TEXT NOT NULL, status TEXT, received_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS handoff (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL,
    attempts INTEGER NOT NULL, lease_until INTEGER NOT NULL, status_code INTEGER, detail TEXT,
    updated_at INTEGER NOT NULL)`,
  // The order a handoff lease is for, so the alarm can queue its job again, and how often the
  // current lapsed lease was re-queued.
  `CREATE TABLE IF NOT EXISTS handoff_job (id INTEGER PRIMARY KEY CHECK (id = 1),
    order_id TEXT NOT NULL, lease_ms INTEGER NOT NULL, requeued_lease INTEGER NOT NULL DEFAULT 0,
    requeues INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE IF NOT EXISTS dead_letters (seq INTEGER PRIMARY KEY AUTOINCREMENT,
    reason TEXT NOT NULL, at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY CHECK (id = 1), iv TEXT NOT NULL,
    data TEXT NOT NULL, stored_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS rate (id INTEGER PRIMARY KEY CHECK (id = 1),
    window_start INTEGER NOT NULL, count INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tool_calls (seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tool TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT, at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS payment_signature (id INTEGER PRIMARY KEY CHECK (id = 1),
    iv TEXT NOT NULL, data TEXT NOT NULL, stored_at INTEGER NOT NULL)`,
];

const num = (value: unknown): number => Number(value ?? 0);
const str = (
  value: unknown,
): string | null => (typeof value === "string" ? value : null);

function first(sql: SqlStorage, query: string, ...bindings: unknown[]) {
  return sql.exec(query, ...bindings).toArray()[0];
}

/** The Durable Object class bound as `LEDGER`; see the module documentation. */
export class Ledger extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  /** The rate window in memory: its start, requests counted, and the ceiling in storage. */
  #rate: { windowStart: number; count: number; reserved: number } | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.#sql.exec(statement);
  }

  // ---- wh:<webhook-id> ----

  /** Claims a delivery: `new` (go ahead), `processing` (another is on it) or `done`. */
  claimWebhook(): "new" | "processing" | "done" {
    const now = Date.now();
    const row = first(this.#sql, "SELECT state, lease_until FROM webhook");
    if (row?.state === "done") return "done";
    if (row?.state === "processing" && num(row.lease_until) > now) {
      return "processing";
    }
    this.#sql.exec(
      `INSERT INTO webhook (id, state, lease_until, updated_at) VALUES (1, 'processing', ?, ?)
       ON CONFLICT(id) DO UPDATE SET state = 'processing', lease_until = excluded.lease_until,
       updated_at = excluded.updated_at`,
      now + WEBHOOK_CLAIM_LEASE_MS,
      now,
    );
    return "new";
  }

  /** Marks a claimed delivery done: later deliveries of its id are duplicates. */
  completeWebhook(type: string, orderId: string | null): void {
    this.#sql.exec(
      "UPDATE webhook SET state = 'done', type = ?, order_id = ?, updated_at = ?",
      type,
      orderId,
      Date.now(),
    );
  }

  /** Gives a claim up (the delivery failed): the sender's retry takes it again. */
  releaseWebhook(): void {
    this.#sql.exec("DELETE FROM webhook WHERE state = 'processing'");
  }

  // ---- order:<orderId> ----

  /** The tenant the order belongs to, or `null` while no tenant owns it. */
  owner(): string | null {
    return str(first(this.#sql, "SELECT tenant FROM owner")?.tenant);
  }

  /**
   * Makes `tenant` the owner unless the order has one; a `proxy` claim (the tenant created the
   * order) replaces a `session` one. Answers the owner after the claim.
   */
  claimOwner(tenant: string, source: OwnerSource): string {
    const row = first(this.#sql, "SELECT tenant, source FROM owner");
    if (row && !(source === "proxy" && row.source === "session")) {
      return String(row.tenant);
    }
    this.#sql.exec(
      `INSERT INTO owner (id, tenant, source, claimed_at) VALUES (1, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET tenant = excluded.tenant, source = excluded.source,
       claimed_at = excluded.claimed_at`,
      tenant,
      source,
      Date.now(),
    );
    return tenant;
  }

  /** Records an order event once per webhook id; answers whether it was new, and the owner. */
  recordEvent(
    event: {
      webhookId: string;
      type: string;
      timestamp: string;
      status: string | null;
    },
  ): { recorded: boolean; owner: string | null } {
    const owner = this.owner();
    const seen = first(
      this.#sql,
      "SELECT 1 AS x FROM events WHERE webhook_id = ?",
      event.webhookId,
    );
    if (seen) return { recorded: false, owner };
    this.#sql.exec(
      "INSERT INTO events (webhook_id, type, timestamp, status, received_at) VALUES (?, ?, ?, ?, ?)",
      event.webhookId,
      event.type,
      event.timestamp,
      event.status,
      Date.now(),
    );
    return { recorded: true, owner };
  }

  /**
   * Decides the runner's next step for the order and takes a lease on it, with the alarm set
   * for when it lapses. A held lease answers `busy` with its end. Taking the lease changes no
   * state a reader could mistake for progress: an order seen for the first time is `pending`
   * until the run calls {@linkcode startCall} or {@linkcode releaseHandoff}.
   */
  async beginHandoff(orderId: string, leaseMs: number): Promise<HandoffLease> {
    const now = Date.now();
    const lease = now + leaseMs;
    const row = first(
      this.#sql,
      "SELECT state, attempts, lease_until, detail FROM handoff",
    );
    let decision: HandoffLease;
    if (!row) {
      this.#sql.exec(
        `INSERT INTO handoff (id, state, attempts, lease_until, updated_at)
         VALUES (1, 'pending', 0, ?, ?)`,
        lease,
        now,
      );
      decision = { action: "call", attempts: 0 };
    } else {
      const state = String(row.state) as HandoffState;
      if (FINAL.includes(state)) return { action: "done", state };
      if (num(row.lease_until) > now) {
        return { action: "busy", leaseUntil: num(row.lease_until) };
      }
      this.#sql.exec(
        "UPDATE handoff SET lease_until = ?, updated_at = ?",
        lease,
        now,
      );
      const attempts = num(row.attempts);
      decision = state === "delivered" || state === "failed"
        ? {
          action: state === "delivered" ? "confirm" : "dispute",
          attempts,
          detail: str(row.detail),
        }
        : { action: "call", attempts };
    }
    this.#sql.exec(
      `INSERT INTO handoff_job (id, order_id, lease_ms) VALUES (1, ?, ?)
       ON CONFLICT(id) DO UPDATE SET order_id = excluded.order_id, lease_ms = excluded.lease_ms`,
      orderId,
      leaseMs,
    );
    await this.ctx.storage.setAlarm(lease);
    return decision;
  }

  /** Counts a provider call about to be made (under the lease); answers the attempt number. */
  startCall(): number {
    const attempts = num(first(this.#sql, "SELECT attempts FROM handoff")?.attempts) + 1;
    this.#sql.exec(
      "UPDATE handoff SET state = 'calling', attempts = ?, updated_at = ?",
      attempts,
      Date.now(),
    );
    return attempts;
  }

  /**
   * Releases the lease without a result (the order is not in `handoff` yet, or is not the
   * API's any more): an order seen for the first time is forgotten, anything else keeps its
   * state, so a later webhook or replay runs it.
   */
  releaseHandoff(): void {
    const row = first(this.#sql, "SELECT state FROM handoff");
    if (row?.state === "pending") {
      this.#sql.exec("DELETE FROM handoff");
      this.#sql.exec("DELETE FROM handoff_job");
    } else {
      this.#sql.exec(
        "UPDATE handoff SET lease_until = 0, updated_at = ?",
        Date.now(),
      );
    }
  }

  /** Stores the outcome of a step and releases the lease. */
  settleHandoff(outcome: HandoffOutcome): void {
    this.#sql.exec(
      `UPDATE handoff SET state = ?, lease_until = 0, status_code = coalesce(?, status_code),
       detail = coalesce(?, detail), updated_at = ?`,
      outcome.state,
      outcome.statusCode ?? null,
      outcome.detail ?? null,
      Date.now(),
    );
  }

  /** The order's events (oldest first), handoff and dead letters, for its owner only. */
  view(tenant: string): OrderView | null {
    if (this.owner() !== tenant) return null;
    const events = this.#sql.exec(
      `SELECT webhook_id, type, timestamp, status, received_at FROM events
       ORDER BY received_at, webhook_id`,
    ).toArray().map((row): OrderEventRecord => ({
      webhookId: String(row.webhook_id),
      type: String(row.type),
      timestamp: String(row.timestamp),
      status: str(row.status),
      receivedAt: num(row.received_at),
    }));
    const row = first(
      this.#sql,
      "SELECT state, attempts, status_code, detail, updated_at FROM handoff",
    );
    const handoff: HandoffRecord | null = row
      ? {
        state: String(row.state) as HandoffState,
        attempts: num(row.attempts),
        statusCode: row.status_code === null ? null : num(row.status_code),
        detail: str(row.detail),
        updatedAt: num(row.updated_at),
      }
      : null;
    const deadLetters = this.#sql.exec(
      "SELECT reason, at FROM dead_letters ORDER BY seq",
    )
      .toArray().map((dead) => ({
        reason: String(dead.reason),
        at: num(dead.at),
      }));
    const toolCalls = this.#sql.exec(
      "SELECT tool, outcome, detail, at FROM tool_calls ORDER BY seq",
    ).toArray().map((call): ToolCallRecord => ({
      type: "mcp.tool_call",
      tool: String(call.tool),
      outcome: String(call.outcome),
      detail: str(call.detail),
      at: num(call.at),
    }));
    return { events, handoff, deadLetters, toolCalls };
  }

  /** Records an MCP tool call made on the order, keeping the latest `MAX_TOOL_CALLS`. */
  recordToolCall(
    call: { tool: string; outcome: string; detail: string | null },
  ): void {
    this.#sql.exec(
      "INSERT INTO tool_calls (tool, outcome, detail, at) VALUES (?, ?, ?, ?)",
      call.tool,
      call.outcome,
      call.detail,
      Date.now(),
    );
    this.#sql.exec(
      `DELETE FROM tool_calls WHERE seq <= (SELECT max(seq) FROM tool_calls) - ?`,
      MAX_TOOL_CALLS,
    );
  }

  /** Stores (or replaces) the order's sealed x402 payment signature. */
  putPaymentSignature(sealed: Sealed): void {
    this.#sql.exec(
      `INSERT INTO payment_signature (id, iv, data, stored_at) VALUES (1, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET iv = excluded.iv, data = excluded.data,
       stored_at = excluded.stored_at`,
      sealed.iv,
      sealed.data,
      Date.now(),
    );
  }

  /** The order's sealed x402 payment signature, or `null`. */
  getPaymentSignature(): Sealed | null {
    const row = first(this.#sql, "SELECT iv, data FROM payment_signature");
    return row ? { iv: String(row.iv), data: String(row.data) } : null;
  }

  /** Forgets the order's x402 payment signature (it was settled). */
  deletePaymentSignature(): void {
    this.#sql.exec("DELETE FROM payment_signature");
  }

  /** Notes that a job of the order reached the dead-letter queue; the handoff state is kept. */
  recordDeadLetter(reason: string): void {
    this.#sql.exec(
      "INSERT INTO dead_letters (reason, at) VALUES (?, ?)",
      reason,
      Date.now(),
    );
  }

  // ---- session:<tenant>:<agentPairingId> ----

  /** Stores (or replaces) the sealed session; answers when. */
  putSession(sealed: Sealed): number {
    const now = Date.now();
    this.#sql.exec(
      `INSERT INTO session (id, iv, data, stored_at) VALUES (1, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET iv = excluded.iv, data = excluded.data,
       stored_at = excluded.stored_at`,
      sealed.iv,
      sealed.data,
      now,
    );
    return now;
  }

  /** The sealed session, or `null`. */
  getSession(): StoredSession | null {
    const row = first(this.#sql, "SELECT iv, data, stored_at FROM session");
    return row
      ? {
        iv: String(row.iv),
        data: String(row.data),
        storedAt: num(row.stored_at),
      }
      : null;
  }

  /** When the session was stored, or `null` when there is none (the ciphertext stays here). */
  sessionStoredAt(): number | null {
    const row = first(this.#sql, "SELECT stored_at FROM session");
    return row ? num(row.stored_at) : null;
  }

  /** Forgets the session; answers whether there was one. */
  deleteSession(): boolean {
    const existed = first(this.#sql, "SELECT 1 AS x FROM session") !== undefined;
    this.#sql.exec("DELETE FROM session");
    return existed;
  }

  // ---- rate:<tenant> ----

  /** Counts one request in the current fixed one-minute window against `limit`. */
  hitRate(limit: number): RateVerdict {
    const lease = this.leaseRate(limit, 0);
    return { allowed: lease.granted > 0, retryAfterSeconds: lease.retryAfterSeconds };
  }

  /**
   * Counts one request in the current fixed one-minute window against `limit` and, while the
   * window has much left, up to `spare` more that the caller may serve without asking again in
   * this window (a lease; see `RATE_LEASE_SHARE`). `granted` is 0 when the limit is reached,
   * else 1 + the spare requests.
   */
  leaseRate(limit: number, spare: number): RateLease {
    const now = Date.now();
    const windowStart = Math.floor(now / 60_000) * 60_000;
    let rate = this.#rate;
    if (rate?.windowStart !== windowStart) {
      // A new window, or a fresh instance: resume from the stored ceiling if it is this window's.
      const row = first(this.#sql, "SELECT window_start, count FROM rate");
      const reserved = row && num(row.window_start) === windowStart ? num(row.count) : 0;
      rate = this.#rate = { windowStart, count: reserved, reserved };
    }
    const retryAfterSeconds = Math.ceil((windowStart + 60_000 - now) / 1000);
    const left = limit - rate.count;
    if (left <= 0) return { granted: 0, windowStart, retryAfterSeconds };
    const granted = 1 + Math.min(spare, Math.floor((left - 1) / RATE_LEASE_SHARE));
    rate.count += granted;
    if (rate.count > rate.reserved) {
      rate.reserved = Math.min(limit, rate.count + RATE_RESERVATION - 1);
      this.#sql.exec(
        `INSERT INTO rate (id, window_start, count) VALUES (1, ?, ?)
         ON CONFLICT(id) DO UPDATE SET window_start = excluded.window_start,
         count = excluded.count`,
        windowStart,
        rate.reserved,
      );
    }
    return { granted, windowStart, retryAfterSeconds };
  }

  // ---- alarm ----

  /** Queues the order's handoff again if its lease lapsed without a result (see the module). */
  async alarm(): Promise<void> {
    const { orderId, alarmAt } = this.#lapsedHandoff(Date.now());
    if (orderId !== undefined) {
      // A failed send throws: the runtime retries the alarm.
      await this.env.HANDOFF_QUEUE.send({ orderId, webhookId: "lease-lapsed" });
      console.warn(
        `edge: handoff lease of order '${orderId}' lapsed without a result: queued again`,
      );
    }
    if (alarmAt !== undefined) await this.ctx.storage.setAlarm(alarmAt);
  }

  /**
   * What the alarm does: when the handoff lease lapsed without the run settling, the order's
   * job to queue again (at most `MAX_LEASE_REQUEUES` times per lapsed lease), and when to look
   * again.
   */
  #lapsedHandoff(now: number): { orderId?: string; alarmAt?: number } {
    const row = first(
      this.#sql,
      `SELECT h.state, h.lease_until, j.order_id, j.lease_ms, j.requeued_lease, j.requeues
       FROM handoff h JOIN handoff_job j`,
    );
    // Settled and released runs leave the lease at 0; final states need nothing.
    const state = String(row?.state) as HandoffState;
    if (!row || FINAL.includes(state) || num(row.lease_until) === 0) return {};
    const leaseUntil = num(row.lease_until);
    if (leaseUntil > now) return { alarmAt: leaseUntil }; // a newer lease: look again at its end
    const requeues = num(row.requeued_lease) === leaseUntil ? num(row.requeues) : 0;
    if (requeues >= MAX_LEASE_REQUEUES) return {};
    this.#sql.exec(
      "UPDATE handoff_job SET requeued_lease = ?, requeues = ?",
      leaseUntil,
      requeues + 1,
    );
    // If the queued job is lost too, nothing takes a new lease: look again one lease later.
    return {
      orderId: String(row.order_id),
      alarmAt: now + Math.max(1_000, num(row.lease_ms)),
    };
  }
}

/** The RPC stub of the Ledger instance named `name` (e.g. `wh:msg_1`, `order:ord_1`). */
export function ledger(
  env: Env,
  name: string,
): ReturnType<Env["LEDGER"]["get"]> {
  return env.LEDGER.get(env.LEDGER.idFromName(name));
}
