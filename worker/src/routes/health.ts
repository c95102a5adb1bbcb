/**
 * `GET /health`: liveness, no auth, no upstream call, and nothing about the configuration
 * beyond whether each required setting is present.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { VERSION } from "../../../mod.ts";

/** The health route. */
export const health = new Hono<AppEnv>().get("/", (c) => {
  const configured = Boolean(
    c.env.PEAQOS_ORCHESTRATION_URL && c.env.PEAQOS_API_KEY &&
      c.env.PEAQOS_WEBHOOK_SECRET &&
      c.env.EDGE_CLIENT_KEYS && c.env.SESSION_ENCRYPTION_KEY,
  );
  return c.json({ status: "ok", sdkVersion: VERSION, configured });
});
