/**
 * The test controls: routes under `/__sandbox`, outside the API (`/api/v1`), served only with
 * `testControls: true` (`--test-controls`). They need no credential, so they are for a sandbox
 * a test owns, never a shared one.
 *
 * | Request                    | Does                                                        |
 * | -------------------------- | ----------------------------------------------------------- |
 * | `POST /__sandbox/reset`    | Empties the state; identities, catalogue and faults as configured |
 * | `GET /__sandbox/state`     | A redacted snapshot of the state (`snapshot.ts`)            |
 * | `POST /__sandbox/seed`     | Machines, pairings (with tokens) and services (`seed.ts`)   |
 * | `POST /__sandbox/faults`   | Adds a latency or status rule (`faults.ts`)                 |
 * | `GET /__sandbox/faults`    | The active rules, with their hit counts                     |
 * | `DELETE /__sandbox/faults` | Removes every rule                                          |
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { SandboxContext, SandboxEnv } from "./context.ts";
import { createFaultTable, faultInputSchema } from "./faults.ts";
import { applySeed, type InternalFetch } from "./seed.ts";
import { resetState, takeSnapshot } from "./snapshot.ts";
import { readJson } from "./validate.ts";

// The seed is checked by `applySeed` with paths of its own; here it need only be an object.
const seedBodySchema = z.record(z.string(), z.unknown());

/** Where the test controls live. */
export const CONTROLS_PREFIX = "/__sandbox";

/** Header on every answer of the test controls. */
export const CONTROLS_HEADER = "x-sandbox-controls";

/** What the app needs to seed itself; returned by {@linkcode registerTestControls}. */
export type TestControls = {
  /** Applies a seed through the app's own routes (used by `startSandbox({ seed })`). */
  readonly seed: (input: unknown) => ReturnType<typeof applySeed>;
};

/**
 * A fetch into the app's API (`/api/v1`) with the sandbox's own API key, for the seed; `mark`
 * sees each request first (the controls exempt them from fault rules).
 *
 * @example
 * ```ts ignore
 * const seeded = await applySeed(ctx, createInternalFetch(app, ctx), seed);
 * ```
 */
export function createInternalFetch(
  app: Hono<SandboxEnv>,
  ctx: SandboxContext,
  mark: (request: Request) => void = () => {},
): InternalFetch {
  return async (method, path, body) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const apiKey = ctx.options.apiKeys[0];
    if (apiKey !== undefined) headers["x-api-key"] = apiKey;
    const request = new Request(`http://sandbox.internal/api/v1${path}`, {
      method,
      headers,
      body: JSON.stringify(body),
    });
    mark(request);
    return await app.fetch(request);
  };
}

/**
 * Registers the fault middleware and the `/__sandbox` routes on the root app. Call it before
 * any route, so the fault rules see every request.
 *
 * @example
 * ```ts ignore
 * if (ctx.options.testControls) registerTestControls(app, ctx);
 * ```
 */
export function registerTestControls(app: Hono<SandboxEnv>, ctx: SandboxContext): TestControls {
  const faults = createFaultTable(() => ctx.ids.nextId("flt"));
  // Requests the controls send through the app (seeding) are exempt from the fault rules.
  const internal = new WeakSet<Request>();
  ctx.onReset(() => faults.clear());

  const internalFetch = createInternalFetch(app, ctx, (request) => internal.add(request));

  app.use("*", faults.middleware((request) => internal.has(request)));
  // Tells a client that the controls answered (a 404 without it: the controls are off).
  app.use(`${CONTROLS_PREFIX}/*`, async (c, next) => {
    await next();
    c.header(CONTROLS_HEADER, "on");
  });

  const controls = CONTROLS_PREFIX;
  app.post(`${controls}/reset`, (c) => {
    resetState(ctx);
    return c.json({ item: { resetAt: ctx.now().toISOString() } });
  });
  app.get(`${controls}/state`, (c) => c.json({ item: takeSnapshot(ctx) }));
  app.post(`${controls}/seed`, async (c) => {
    const body = await readJson(c, seedBodySchema);
    return c.json({ item: await applySeed(ctx, internalFetch, body) }, 201);
  });
  app.post(`${controls}/faults`, async (c) => {
    const body = await readJson(c, faultInputSchema);
    return c.json({ item: faults.add(body) }, 201);
  });
  app.get(`${controls}/faults`, (c) => c.json({ items: faults.list() }));
  app.delete(`${controls}/faults`, (c) => {
    faults.clear();
    return c.body(null, 204);
  });
  return { seed: (input) => applySeed(ctx, internalFetch, input) };
}
