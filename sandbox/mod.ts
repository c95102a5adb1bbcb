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
import type { SandboxContext, SandboxEnv } from "./context.ts";
import type { SandboxOptions } from "./options.ts";

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
export { createWallet } from "./testing.ts";
export type { TestWallet } from "./testing.ts";

/** A running sandbox. */
export type RunningSandbox = {
  /** Origin to use as the SDK's `orchestrationUrl`, e.g. `http://127.0.0.1:53124`. */
  readonly url: string;
  /** A platform API key the sandbox accepts (the first of `apiKeys`; unused with API auth off). */
  readonly apiKey: string;
  /** The live state and options, for tests and tooling that inspect what the server holds. */
  readonly context: SandboxContext;
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
 * Serves a fresh sandbox with `Deno.serve` (default `127.0.0.1`, any free port).
 *
 * @example
 * ```ts ignore
 * const sandbox = await startSandbox({ now: () => clock });
 * try { ... } finally { await sandbox.close(); }
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const { app, ctx } = createSandbox(options);
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: ctx.options.hostname,
    port: ctx.options.port,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, app.fetch);
  const addr = await listening;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await server.shutdown();
      await ctx.runCloseHooks();
    })();
    return closing;
  };
  return {
    url: `http://${host}:${addr.port}`,
    apiKey: ctx.options.apiKeys[0]!,
    context: ctx,
    close,
    [Symbol.asyncDispose]: close,
  };
}
