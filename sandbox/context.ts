/**
 * The per-app sandbox context every route module receives: options, clock, state, ids and the
 * event hook webhooks hang off.
 *
 * @module
 */
import type { WebhookEventDataByType, WebhookEventType } from "../src/types/mod.ts";
import { randomHex, secretBytes } from "./crypto.ts";
import { createIdentityRegistry, type IdentityRegistry } from "./identities.ts";
import { createLiveCatalogue, type LiveCatalogue } from "./live_catalogue.ts";
import { type ResolvedSandboxOptions, resolveOptions, type SandboxOptions } from "./options.ts";
import { createStore, type PairingRecord, type SandboxStore } from "./store.ts";

/**
 * An event raised by a route; the webhook module stamps and delivers it. Each type carries the
 * `data` the SDK's `WebhookEvent` promises for it.
 */
export type SandboxEvent = {
  readonly [Type in WebhookEventType]: {
    readonly type: Type;
    readonly data: WebhookEventDataByType[Type];
  };
}[WebhookEventType];

/** Id and sequence generators. */
export type SandboxIds = {
  /** A fresh random id with a readable prefix, e.g. `nextId("m")` → `m_Xq3…`. */
  nextId(prefix: string): string;
  /** A strictly increasing number: creation order, used by pagination cursors. */
  nextSeq(): number;
};

/** Everything a route module needs; one per app. */
export type SandboxContext = {
  readonly options: ResolvedSandboxOptions;
  /** The sandbox clock (the `now` option). */
  now(): Date;
  /** All state of the app: the platform, market and experimental sections of `store.ts`. */
  readonly store: SandboxStore;
  readonly ids: SandboxIds;
  /** The skills and services on sale: the `catalogue` option, or the built-in one. */
  readonly catalogue: LiveCatalogue;
  /**
   * Who controls each machine identity, seeded from the `identities` option. Tests change it at
   * run time: `identities.remove(ref)` makes an identity stop resolving.
   */
  readonly identities: IdentityRegistry;
  /** HS256 key of pairing tokens. */
  readonly jwtSecret: Uint8Array;
  /**
   * Raises an order/payment event. A no-op until the webhook module replaces it
   * (`connectWebhooks` in `webhooks.ts`, when webhooks are configured).
   */
  emit: (event: SandboxEvent) => void;
  /**
   * Registers cleanup run by `close()` (pending webhook retries, timers): `startSandbox` awaits
   * every hook before it resolves, so Deno's sanitizers see nothing left open.
   */
  onClose(hook: () => void | Promise<void>): void;
  /** Runs the registered close hooks (called by `startSandbox().close()`). */
  runCloseHooks(): Promise<void>;
  /**
   * Registers state kept outside the store (the idempotency table) to clear when the test
   * controls reset the sandbox.
   */
  onReset(hook: () => void): void;
  /** Runs the reset hooks (called by the test controls' reset). */
  runResetHooks(): void;
};

/** Hono environment of the sandbox app: variables set by middleware. */
export type SandboxEnv = {
  Variables: {
    /**
     * The pairing an agent route acts for (set by `requireAgent`/`authenticateAgent`): the one
     * behind a verified `x-agent-pairing-token`, or with agent auth off the one the request names.
     */
    pairing: PairingRecord;
  };
};

/**
 * Creates the context of one app.
 *
 * @example
 * ```ts ignore
 * const ctx = createSandboxContext({ now: () => new Date("2026-01-01T00:00:00Z") });
 * ```
 */
export function createSandboxContext(options: SandboxOptions = {}): SandboxContext {
  const resolved = resolveOptions(options);
  let seq = 0;
  const closeHooks: Array<() => void | Promise<void>> = [];
  const resetHooks: Array<() => void> = [];
  return {
    options: resolved,
    now: () => resolved.now(),
    store: createStore(),
    ids: {
      nextId: (prefix) => `${prefix}_${randomHex(8)}`,
      nextSeq: () => ++seq,
    },
    catalogue: createLiveCatalogue(resolved.catalogue),
    identities: createIdentityRegistry(resolved.identities),
    jwtSecret: secretBytes(resolved.jwtSecret),
    emit: () => {},
    onClose: (hook) => {
      closeHooks.push(hook);
    },
    runCloseHooks: async () => {
      for (const hook of closeHooks.splice(0)) await hook();
    },
    onReset: (hook) => {
      resetHooks.push(hook);
    },
    runResetHooks: () => {
      for (const hook of resetHooks) hook();
    },
  };
}
