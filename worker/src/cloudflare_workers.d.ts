/**
 * The part of the runtime module `cloudflare:workers` the Worker uses, for `deno check` only:
 * `deno.json` maps the specifier here, while wrangler and esbuild leave it to workerd.
 *
 * @module
 */
import type { DurableObjectState } from "./env.ts";

/** Base class of a Durable Object whose public methods are callable over RPC. */
export declare abstract class DurableObject<Env = unknown> {
  protected readonly ctx: DurableObjectState;
  protected readonly env: Env;
  constructor(ctx: DurableObjectState, env: Env);
}
