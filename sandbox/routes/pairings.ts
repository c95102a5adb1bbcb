/**
 * Agent pairings (in progress).
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "../context.ts";

/** Registers the agent pairing routes. */
export function registerPairingRoutes(_api: Hono<SandboxEnv>, _ctx: SandboxContext): void {}
