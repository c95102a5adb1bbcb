/**
 * `Ledger`, the Worker's one Durable Object (SQLite-backed). Each instance is named for what it
 * guards, so each guard is serialised on its own:
 *
 * - `wh:<webhook-id>`: the delivery claim that makes concurrent and repeated deliveries of one
 *   webhook take effect exactly once;
 * - `order:<orderId>`: the order's recorded events, its handoff state machine (at most one
 *   handoff takes effect per order) and the jobs that reached the dead-letter queue;
 * - `pairing:<agentPairingId>`: the agent's pairing session, AES-GCM sealed by the caller;
 * - `rate:<client key hash>`: the client's request counter.
 *
 * Every operation is synchronous SQL with no `await` inside, so it runs atomically: the runtime
 * delivers no other request to the instance in between.
 *
 * A handoff lease also sets the instance's alarm for when it lapses: if the run that took it
 * never settled (the Worker was restarted mid-call, the queued job was lost), the alarm queues
 * the order's handoff again, so it completes without an operator.
 *
 * @module
 */
import type { DurableObjectState, Env, HandoffJob, Queue, SqlStorage } from "./env.ts";
import type { Sealed } from "./crypto.ts";

/** How long a claimed webhook stays claimed if the claimant dies before completing it. */
const WEBHOOK_CLAIM_LEASE_MS = 60_000;

/** Handoff state of an order. */
export type HandoffState =
  | "calling"
  | "retrying"
  | "delivered"
  | "failed"
  | "refused"
  | "confirmed"
  | "disputed"
  | "skipped"
  | "rejected";

/** What the runner must do next for an order. */
export type HandoffAction = "call" | "confirm" | "dispute" | "busy" | "done";

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

const FINAL: readonly string[] = [
  "confirmed",
  "disputed",
  "skipped",
  "rejected",
];

/** How many times one lapsed lease is re-queued by the alarm before it is left to an operator. */
const MAX_LEASE_REQUEUES = 3;

type Args = Record<string, unknown>;
/** What an operation asks of the instance beyond SQL (applied before it answers). */
type Effects = { alarmAt?: number };
type Operation = (sql: SqlStorage, args: Args, effects: Effects) => unknown;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS webhook (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL,
    lease_until INTEGER NOT NULL, type TEXT, order_id TEXT, updated_at INTEGER NOT NULL)`,
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
];

function first(
  sql: SqlStorage,
  query: string,
  ...bindings: unknown[]
): Args | undefined {
  return sql.exec(query, ...bindings).toArray()[0];
}

const num = (value: unknown): number => Number(value ?? 0);
const str = (
  value: unknown,
): string | null => (typeof value === "string" ? value : null);

const OPERATIONS: Record<string, Operation> = {
  /** Claims a delivery: "new" (go ahead), "processing" (another is on it) or "done". */
  claimWebhook(sql, { now }) {
    const row = first(sql, "SELECT state, lease_until FROM webhook");
    if (row?.state === "done") return { status: "done" };
    if (row?.state === "processing" && num(row.lease_until) > num(now)) {
      return { status: "processing" };
    }
    sql.exec(
      `INSERT INTO webhook (id, state, lease_until, updated_at) VALUES (1, 'processing', ?, ?)
       ON CONFLICT(id) DO UPDATE SET state = 'processing', lease_until = excluded.lease_until,
       updated_at = excluded.updated_at`,
      num(now) + WEBHOOK_CLAIM_LEASE_MS,
      num(now),
    );
    return { status: "new" };
  },
  completeWebhook(sql, { now, type, orderId }) {
    sql.exec(
      "UPDATE webhook SET state = 'done', type = ?, order_id = ?, updated_at = ?",
      str(type),
      str(orderId),
      num(now),
    );
    return {};
  },
  releaseWebhook(sql) {
    sql.exec("DELETE FROM webhook WHERE state = 'processing'");
    return {};
  },

  /** Records an order event once per webhook id. */
  recordEvent(sql, { webhookId, type, timestamp, status, now }) {
    const before = sql.exec("SELECT webhook_id FROM events WHERE webhook_id = ?", webhookId)
      .toArray().length;
    if (before > 0) return { recorded: false };
    sql.exec(
      "INSERT INTO events (webhook_id, type, timestamp, status, received_at) VALUES (?, ?, ?, ?, ?)",
      webhookId,
      type,
      timestamp,
      str(status),
      num(now),
    );
    return { recorded: true };
  },

  /**
   * Decides the runner's next step for the order and takes a lease on it, with the alarm set
   * for when it lapses. A held lease answers `busy` with its end (`leaseUntil`).
   */
  beginHandoff(sql, { now, leaseMs, orderId }, effects) {
    const lease = num(now) + num(leaseMs);
    const leaseTaken = () => {
      if (typeof orderId === "string") {
        sql.exec(
          `INSERT INTO handoff_job (id, order_id, lease_ms) VALUES (1, ?, ?)
           ON CONFLICT(id) DO UPDATE SET order_id = excluded.order_id,
           lease_ms = excluded.lease_ms`,
          orderId,
          num(leaseMs),
        );
        effects.alarmAt = lease;
      }
    };
    const row = first(sql, "SELECT state, attempts, lease_until, detail FROM handoff");
    if (!row) {
      sql.exec(
        `INSERT INTO handoff (id, state, attempts, lease_until, updated_at)
         VALUES (1, 'calling', 1, ?, ?)`,
        lease,
        num(now),
      );
      leaseTaken();
      return { action: "call", attempts: 1 };
    }
    const state = String(row.state);
    const attempts = num(row.attempts);
    const leased = num(row.lease_until) > num(now);
    if (FINAL.includes(state)) return { action: "done", attempts, state };
    if (leased) return { action: "busy", attempts, state, leaseUntil: num(row.lease_until) };
    leaseTaken();
    if (state === "delivered" || state === "failed") {
      sql.exec("UPDATE handoff SET lease_until = ?, updated_at = ?", lease, num(now));
      return {
        action: state === "delivered" ? "confirm" : "dispute",
        attempts,
        detail: str(row.detail),
      };
    }
    sql.exec(
      "UPDATE handoff SET state = 'calling', attempts = ?, lease_until = ?, updated_at = ?",
      attempts + 1,
      lease,
      num(now),
    );
    return { action: "call", attempts: attempts + 1 };
  },
  /** Stores the outcome of a step and releases the lease. */
  settleHandoff(sql, { now, state, statusCode, detail }) {
    sql.exec(
      `UPDATE handoff SET state = ?, lease_until = 0, status_code = coalesce(?, status_code),
       detail = coalesce(?, detail), updated_at = ?`,
      state,
      typeof statusCode === "number" ? statusCode : null,
      str(detail),
      num(now),
    );
    return {};
  },
  /** The order's events (oldest first) and handoff record. */
  orderView(sql) {
    const events = sql.exec(
      "SELECT webhook_id, type, timestamp, status, received_at FROM events ORDER BY received_at, webhook_id",
    ).toArray().map((row): OrderEventRecord => ({
      webhookId: String(row.webhook_id),
      type: String(row.type),
      timestamp: String(row.timestamp),
      status: str(row.status),
      receivedAt: num(row.received_at),
    }));
    const row = first(sql, "SELECT state, attempts, status_code, detail, updated_at FROM handoff");
    const handoff: HandoffRecord | null = row
      ? {
        state: String(row.state) as HandoffState,
        attempts: num(row.attempts),
        statusCode: row.status_code === null ? null : num(row.status_code),
        detail: str(row.detail),
        updatedAt: num(row.updated_at),
      }
      : null;
    const deadLetters = sql.exec("SELECT reason, at FROM dead_letters ORDER BY seq").toArray()
      .map((row) => ({ reason: String(row.reason), at: num(row.at) }));
    return { events, handoff, deadLetters };
  },
  /** Notes that a job of the order reached the dead-letter queue; the handoff state is kept. */
  recordDeadLetter(sql, { reason, now }) {
    sql.exec("INSERT INTO dead_letters (reason, at) VALUES (?, ?)", String(reason), num(now));
    return {};
  },

  putSession(sql, { iv, data, now }) {
    sql.exec(
      `INSERT INTO session (id, iv, data, stored_at) VALUES (1, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET iv = excluded.iv, data = excluded.data,
       stored_at = excluded.stored_at`,
      iv,
      data,
      num(now),
    );
    return { storedAt: num(now) };
  },
  getSession(sql) {
    const row = first(sql, "SELECT iv, data, stored_at FROM session");
    return row
      ? {
        iv: String(row.iv),
        data: String(row.data),
        storedAt: num(row.stored_at),
      }
      : null;
  },
  deleteSession(sql) {
    const existed = sql.exec("SELECT id FROM session").toArray().length > 0;
    sql.exec("DELETE FROM session");
    return { deleted: existed };
  },

  /** Fixed one-minute window counter. */
  hitRate(sql, { now, limit }) {
    const windowStart = Math.floor(num(now) / 60_000) * 60_000;
    const row = first(sql, "SELECT window_start, count FROM rate");
    const count = row && num(row.window_start) === windowStart ? num(row.count) + 1 : 1;
    sql.exec(
      `INSERT INTO rate (id, window_start, count) VALUES (1, ?, ?)
       ON CONFLICT(id) DO UPDATE SET window_start = excluded.window_start, count = excluded.count`,
      windowStart,
      count,
    );
    const allowed = count <= num(limit);
    return {
      allowed,
      retryAfterSeconds: Math.ceil((windowStart + 60_000 - num(now)) / 1000),
    };
  },
};

/**
 * What the alarm does: when the handoff lease lapsed without the run settling, the order's job
 * to queue again (at most `MAX_LEASE_REQUEUES` times per lapsed lease), and when to look again.
 */
function lapsedHandoff(sql: SqlStorage, now: number): { orderId?: string; alarmAt?: number } {
  const row = first(
    sql,
    `SELECT h.state, h.lease_until, j.order_id, j.lease_ms, j.requeued_lease, j.requeues
     FROM handoff h JOIN handoff_job j`,
  );
  // Settled runs release the lease (0); final states need nothing.
  if (!row || FINAL.includes(String(row.state)) || num(row.lease_until) === 0) return {};
  const leaseUntil = num(row.lease_until);
  if (leaseUntil > now) return { alarmAt: leaseUntil }; // a newer lease: look again at its end
  const requeues = num(row.requeued_lease) === leaseUntil ? num(row.requeues) : 0;
  if (requeues >= MAX_LEASE_REQUEUES) return {};
  sql.exec("UPDATE handoff_job SET requeued_lease = ?, requeues = ?", leaseUntil, requeues + 1);
  // If the queued job is lost too, nothing takes a new lease: look again one lease later.
  return { orderId: String(row.order_id), alarmAt: now + Math.max(1_000, num(row.lease_ms)) };
}

/** The Durable Object class bound as `LEDGER`. */
export class Ledger {
  readonly #sql: SqlStorage;
  readonly #storage: DurableObjectState["storage"];
  readonly #queue: Queue<HandoffJob> | undefined;

  constructor(state: DurableObjectState, env: Env) {
    this.#storage = state.storage;
    this.#sql = state.storage.sql;
    this.#queue = env.HANDOFF_QUEUE;
    for (const statement of SCHEMA) this.#sql.exec(statement);
  }

  /** `POST /<operation>` with JSON arguments; answers the operation's JSON result. */
  async fetch(request: Request): Promise<Response> {
    const operation = OPERATIONS[new URL(request.url).pathname.slice(1)];
    if (!operation || request.method !== "POST") {
      return new Response(null, { status: 404 });
    }
    const args = (await request.json()) as Args;
    const effects: Effects = {};
    const result = operation(this.#sql, args, effects) ?? null;
    if (effects.alarmAt !== undefined) await this.#storage.setAlarm(effects.alarmAt);
    return Response.json({ result });
  }

  /** Queues the order's handoff again if its lease lapsed without a result (see the module). */
  async alarm(): Promise<void> {
    const { orderId, alarmAt } = lapsedHandoff(this.#sql, Date.now());
    if (orderId !== undefined && this.#queue) {
      // A failed send throws: the runtime retries the alarm.
      await this.#queue.send({ orderId, webhookId: "lease-lapsed" });
      console.warn(
        `edge: handoff lease of order '${orderId}' lapsed without a result: queued again`,
      );
    }
    if (alarmAt !== undefined) await this.#storage.setAlarm(alarmAt);
  }
}

/** A typed handle on one named Ledger instance. */
export type LedgerHandle = {
  call<T>(operation: keyof typeof OPERATIONS, args?: Args): Promise<T>;
};

/** Returns the Ledger instance named `name` (e.g. `wh:msg_1`, `order:ord_1`). */
export function ledger(env: Env, name: string): LedgerHandle {
  const stub = env.LEDGER.get(env.LEDGER.idFromName(name));
  return {
    async call<T>(operation: string, args: Args = {}): Promise<T> {
      const response = await stub.fetch(`https://ledger/${operation}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ now: Date.now(), ...args }),
      });
      if (!response.ok) {
        throw new Error(`Ledger operation failed: '${operation}'`);
      }
      const { result } = (await response.json()) as { result: T };
      return result;
    },
  };
}

export type { Sealed };
