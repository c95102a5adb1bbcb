/**
 * The part of the runtime module `cloudflare:workers` the Worker uses, for Deno: `deno.json`
 * maps the specifier here so `deno check` and Deno tests can load Worker modules, while
 * wrangler and esbuild leave the specifier to workerd, which provides the real module.
 *
 * @module
 */
import type { DurableObjectState } from "./env.ts";

/** Base class of a Durable Object whose public methods are callable over RPC. */
export abstract class DurableObject<Env = unknown> {
  protected readonly ctx: DurableObjectState;
  protected readonly env: Env;

  constructor(ctx: DurableObjectState, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
}
