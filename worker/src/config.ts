/**
 * The Worker's tunables, read from `env` with defaults. Secrets are read where they are used.
 *
 * @module
 */
import type { Env } from "./env.ts";

/** Resolved configuration of the handoff runner, rate limiter and body limits. */
export type Config = {
  readonly allowedHosts: readonly string[];
  readonly allowLoopbackHttp: boolean;
  readonly handoffTimeoutMs: number;
  /** Timeouts of the SDK's calls to the API: reads (GET) and writes (confirm, dispute, ...). */
  readonly apiReadTimeoutMs: number;
  readonly apiWriteTimeoutMs: number;
  /** Added to the longest run a handoff step can take to make its lease (see `handoffLeaseMs`). */
  readonly leaseMarginMs: number;
  readonly handoffMaxAttempts: number;
  readonly retryBaseSeconds: number;
  readonly rateLimitPerMinute: number;
  /** Name of the dead-letter queue, to tell its batches from the handoff queue's. */
  readonly deadLetterQueue: string;
};

/** Largest webhook body accepted, in bytes. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
/** Largest proxied request body accepted, in bytes. */
export const MAX_PROXY_BODY_BYTES = 64 * 1024;

function positiveInt(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && raw !== "" && Number.isInteger(value) &&
      value >= 0
    ? value
    : fallback;
}

// Per isolate: workerd hands every request the same `env` object until the configuration
// changes, so each `env` is read once.
const configs = new WeakMap<Env, Config>();

/** Reads the configuration from the Worker's `env` (once per `env` object). */
export function readConfig(env: Env): Config {
  let config = configs.get(env);
  if (config === undefined) configs.set(env, config = parseConfig(env));
  return config;
}

function parseConfig(env: Env): Config {
  return {
    allowedHosts: (env.HANDOFF_ALLOWED_HOSTS ?? "").split(",").map((host) =>
      host.trim().toLowerCase()
    ).filter((host) => host.length > 0),
    allowLoopbackHttp: env.HANDOFF_ALLOW_LOOPBACK_HTTP === "true",
    handoffTimeoutMs: positiveInt(env.HANDOFF_TIMEOUT_MS, 10_000) || 10_000,
    apiReadTimeoutMs: positiveInt(env.API_READ_TIMEOUT_MS, 15_000) || 15_000,
    apiWriteTimeoutMs: positiveInt(env.API_WRITE_TIMEOUT_MS, 30_000) || 30_000,
    leaseMarginMs: positiveInt(env.HANDOFF_LEASE_MARGIN_MS, 30_000),
    handoffMaxAttempts: positiveInt(env.HANDOFF_MAX_ATTEMPTS, 5) || 1,
    retryBaseSeconds: positiveInt(env.HANDOFF_RETRY_BASE_SECONDS, 5),
    rateLimitPerMinute: positiveInt(env.RATE_LIMIT_PER_MINUTE, 120),
    deadLetterQueue: env.HANDOFF_DEAD_LETTER_QUEUE || "peaqos-handoffs-dlq",
  };
}

/**
 * How long a handoff run holds its order's lease: the longest it can take (read the order, call
 * the provider, confirm or dispute: each bounded by its own timeout) plus the margin. While it
 * is held no other run starts, so a run cut off by a restart cannot overlap its successor.
 */
export function handoffLeaseMs(config: Config): number {
  return config.apiReadTimeoutMs + config.handoffTimeoutMs +
    config.apiWriteTimeoutMs +
    config.leaseMarginMs;
}
