/**
 * The Worker's bindings and the small slice of the Workers runtime types it uses, declared
 * here so the source type-checks with `deno check` without `@cloudflare/workers-types`.
 *
 * @module
 */
import type { Ledger } from "./ledger.ts";

/** One SQL cursor of a SQLite-backed Durable Object. */
export type SqlCursor = {
  toArray(): Record<string, unknown>[];
};

/** The synchronous SQL API of a SQLite-backed Durable Object. */
export type SqlStorage = {
  exec(query: string, ...bindings: unknown[]): SqlCursor;
};

/** What a Durable Object receives as its first constructor argument. */
export type DurableObjectState = {
  readonly storage: {
    readonly sql: SqlStorage;
    /** Schedules the instance's `alarm()` (one per instance; a new time replaces the old). */
    setAlarm(scheduledTime: number): Promise<void>;
  };
};

// deno-lint-ignore no-explicit-any
type AnyMethod = (...args: any[]) => unknown;

/**
 * A Durable Object stub as RPC gives it: each public method of the class, answering a promise.
 */
export type DurableObjectStub<T> = {
  [K in keyof T as T[K] extends AnyMethod ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** A Durable Object namespace binding of class `T`. */
export type DurableObjectNamespace<T> = {
  idFromName(name: string): unknown;
  get(id: unknown): DurableObjectStub<T>;
};

/** A Queue producer binding. */
export type Queue<T> = {
  send(body: T, options?: { delaySeconds?: number }): Promise<void>;
};

/** One message of a Queue batch. */
export type QueueMessage<T> = {
  readonly id: string;
  readonly body: T;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
};

/** A batch delivered to the Queue consumer. */
export type MessageBatch<T> = {
  readonly queue: string;
  readonly messages: readonly QueueMessage<T>[];
};

/**
 * The job the webhook route enqueues for an `order.handoff` event. `webhookId` is the event's
 * id, or `replay` (an operator's `POST .../handoff`) or `lease-lapsed` (the Ledger's alarm).
 */
export type HandoffJob = {
  readonly orderId: string;
  readonly webhookId: string;
};

/** A job parked on the dead-letter queue, with why. */
export type DeadLetter = HandoffJob & { readonly reason: string };

/** Every binding, variable and secret of the Worker (see `.dev.vars.example`). */
export type Env = {
  readonly LEDGER: DurableObjectNamespace<Ledger>;
  readonly HANDOFF_QUEUE: Queue<HandoffJob>;
  readonly HANDOFF_DLQ: Queue<DeadLetter>;
  readonly PEAQOS_ORCHESTRATION_URL?: string;
  readonly PEAQOS_API_KEY?: string;
  readonly PEAQOS_WEBHOOK_SECRET?: string;
  readonly EDGE_CLIENT_KEYS?: string;
  readonly SESSION_ENCRYPTION_KEY?: string;
  readonly HANDOFF_ALLOWED_HOSTS?: string;
  readonly HANDOFF_ALLOW_LOOPBACK_HTTP?: string;
  readonly HANDOFF_TIMEOUT_MS?: string;
  readonly HANDOFF_LEASE_MARGIN_MS?: string;
  readonly API_READ_TIMEOUT_MS?: string;
  readonly API_WRITE_TIMEOUT_MS?: string;
  readonly HANDOFF_MAX_ATTEMPTS?: string;
  readonly HANDOFF_RETRY_BASE_SECONDS?: string;
  readonly HANDOFF_DEAD_LETTER_QUEUE?: string;
  readonly PROVIDER_CREDENTIALS?: string;
  readonly RATE_LIMIT_PER_MINUTE?: string;
  /** JSON: the MCP endpoint's limits per tenant (`mcp/policy.ts`); not secret. */
  readonly MCP_POLICIES?: string;
  /** JSON `{ "<tenant>": "0x<private key>" }`: x402 signing keys at the edge (secret, optional). */
  readonly MCP_X402_KEYS?: string;
};

/** Hono's environment type for this app. */
export type AppEnv = {
  Bindings: Env;
  /** `tenant`: who the edge key belongs to (see `auth.ts`); everything stored is theirs. */
  Variables: { tenant: string };
};
