/**
 * A stateful local Machine Markets API for development and tests. `startSandbox()` serves it on
 * 127.0.0.1 and hands back the origin and an API key to give the SDK; `createSandboxApp()`
 * returns the bare Hono app for other runtimes (workerd, `app.request()` in tests).
 *
 * @example Point the SDK at a sandbox
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * import { startSandbox } from "./sandbox/mod.ts";
 *
 * await using sandbox = await startSandbox();
 * const client = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey });
 * ```
 *
 * @example A public deployment: no API key, no pairing token, no identity proofs
 * ```ts ignore
 * await using sandbox = await startSandbox({
 *   requireApiAuth: false,
 *   requireAgentPairingAuth: false,
 *   machineIdentityVerification: "off",
 * });
 * const client = new PeaqosClient({ orchestrationUrl: sandbox.url });
 * ```
 *
 * @module
 */
import type { Hono } from "hono";
import { createSandbox } from "./app.ts";
import { createInternalFetch } from "./controls.ts";
import type { SandboxContext, SandboxEnv } from "./context.ts";
import type { SandboxOptions } from "./options.ts";
import { applySeed, type SandboxSeed, type SandboxSeedResult } from "./seed.ts";
import { serveFetch } from "./server.ts";
import { createSandboxControls, hideTokens, type SandboxControls } from "./testing.ts";

export type {
  MachineIdentityVerification,
  SandboxOptions,
  SandboxWebhookSubscription,
} from "./options.ts";
export type { IdentityRegistry } from "./identities.ts";
export type { SandboxContext, SandboxEnv, SandboxEvent } from "./context.ts";
export { createSandbox, MAX_BODY_BYTES } from "./app.ts";
export type { Sandbox } from "./app.ts";
export {
  addressFromPrivateKey,
  generatePrivateKey,
  recoverPersonalSignAddress,
  signPersonalMessage,
} from "./crypto.ts";
export { createSandboxControls, createWallet, SandboxControlsError } from "./testing.ts";
export type { SandboxControls, TestWallet } from "./testing.ts";
export type { SandboxCatalogue } from "./live_catalogue.ts";
export { parseCatalogue } from "./live_catalogue.ts";
export type {
  SandboxSeed,
  SandboxSeedMachine,
  SandboxSeedPairing,
  SandboxSeedResult,
} from "./seed.ts";
export type { SandboxFault, SandboxFaultInput } from "./faults.ts";
export type { SandboxSnapshot } from "./snapshot.ts";
export { detectRuntime, ListenError } from "./server.ts";
export type { Runtime } from "./server.ts";
export { buildOpenApiDocument, ROUTES } from "./openapi.ts";
export type { RouteAuth, RouteEnvelope, RouteSpec } from "./openapi.ts";

/** Options of {@linkcode startSandbox}: the app's options, plus a seed applied before it resolves. */
export type StartSandboxOptions = SandboxOptions & {
  /**
   * Machines, pairings and services to create before `startSandbox` resolves (needs no test
   * controls); the result is `RunningSandbox.seeded`.
   */
  readonly seed?: SandboxSeed | undefined;
};

/** A running sandbox. */
export type RunningSandbox = {
  /** Origin to use as the SDK's `orchestrationUrl`, e.g. `http://127.0.0.1:53124`. */
  readonly url: string;
  /** A platform API key the sandbox accepts (the first of `apiKeys`; unused with API auth off). */
  readonly apiKey: string;
  /** The live state and options, for tests and tooling that inspect what the server holds. */
  readonly context: SandboxContext;
  /**
   * Typed client of the test controls (`/__sandbox`): `reset()`, `state()`, `seed()`,
   * `fail(route, status, times)`, `delay(route, ms)`. Needs `testControls: true`.
   */
  readonly controls: SandboxControls;
  /** What the `seed` option made; `undefined` without one. Pairing tokens are hidden from JSON. */
  readonly seeded: SandboxSeedResult | undefined;
  /** Stops the server and awaits shutdown and every pending background task. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Builds the sandbox's Hono app without serving it.
 *
 * @example
 * ```ts ignore
 * const app = createSandboxApp({ apiKeys: ["sk_test"] });
 * const res = await app.request("/health");
 * ```
 */
export function createSandboxApp(options: SandboxOptions = {}): Hono<SandboxEnv> {
  return createSandbox(options).app;
}

/**
 * Serves a fresh sandbox (default `127.0.0.1`, any free port) on the runtime running it:
 * `Deno.serve`, `Bun.serve`, or `node:http` via `@hono/node-server` on Node. Rejects with a
 * `ListenError` when it cannot listen (`reason: "in-use"` for a taken port).
 *
 * @example
 * ```ts ignore
 * const sandbox = await startSandbox({ now: () => clock, testControls: true });
 * try { ... } finally { await sandbox.close(); }
 * ```
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { seed, ...appOptions } = options;
  const { app, ctx } = createSandbox(appOptions);
  const server = await serveFetch(app.fetch, {
    hostname: ctx.options.hostname,
    port: ctx.options.port,
  });
  const host = server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await server.close();
      await ctx.runCloseHooks();
    })();
    return closing;
  };
  const url = `http://${host}:${server.port}`;
  const controls = createSandboxControls(url);
  let seeded: SandboxSeedResult | undefined;
  if (seed !== undefined) {
    try {
      seeded = hideTokens(await applySeed(ctx, createInternalFetch(app, ctx), seed));
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    url,
    apiKey: ctx.options.apiKeys[0]!,
    context: ctx,
    controls,
    seeded,
    close,
    [Symbol.asyncDispose]: close,
  };
}
