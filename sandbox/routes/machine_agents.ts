/**
 * Machine agents (in progress).
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "../context.ts";

/** Registers the machine agent routes. */
export function registerMachineAgentRoutes(_api: Hono<SandboxEnv>, _ctx: SandboxContext): void {}
