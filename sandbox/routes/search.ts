/**
 * Market search: `POST /market/search` (agent auth) ranks the services the agent may buy for its
 * machine and answers priced quotes; `GET /market/search/:searchId` (platform auth) reads a
 * search back. Filters and ranking are `domain/search.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { marketSearchBody } from "../../contract/market.ts";
import { requireAgent, requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { readSearch, searchMarket } from "../domain/search.ts";
import { readJson } from "../validate.ts";

/**
 * Registers the search routes.
 *
 * @example
 * ```ts ignore
 * registerSearchRoutes(api, ctx);
 * ```
 */
export function registerSearchRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  api.post("/market/search", requireAgent(ctx), async (c) => {
    const body = await readJson(c, marketSearchBody);
    return c.json({ item: searchMarket(ctx, c.get("pairing"), body) });
  });

  api.get("/market/search/:searchId", requirePlatform(ctx), (c) => {
    return c.json({ item: readSearch(ctx, c.req.param("searchId")) });
  });
}
