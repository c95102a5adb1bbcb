/**
 * Skills (platform auth): `GET /skills`, `GET /skills/:skillKey`, `GET /skills/:skillKey/manifest`
 * and `PATCH /skills/:skillKey/config`. Skills come from the app's catalogue; a config update is
 * checked against the manifest's `configSchema` (`domain/skills.ts`).
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { requirePlatform } from "../auth.ts";
import { skillManifest, skillSummary } from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { requireSkill, skillsMatching, updateSkillConfig } from "../domain/skills.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readQuery } from "../validate.ts";

const listSkillsQuery = listQuerySchema.extend({
  scope: z.enum(["platform", "machine"]).optional(),
  direction: z.enum(["provide", "consume"]).optional(),
  source: z.enum(["builtin", "catalog", "custom"]).optional(),
});

const updateConfigBody = z.strictObject({
  enabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Registers the skill routes.
 *
 * @example
 * ```ts ignore
 * registerSkillRoutes(api, ctx);
 * ```
 */
export function registerSkillRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/skills", platform, (c) => {
    const query = readQuery(c, listSkillsQuery);
    return c.json(paginate(skillsMatching(ctx, query), query, ({ skill }) => skillSummary(skill)));
  });

  api.get("/skills/:skillKey", platform, (c) => {
    return c.json({ item: skillSummary(requireSkill(ctx, c.req.param("skillKey"))) });
  });

  api.get("/skills/:skillKey/manifest", platform, (c) => {
    return c.json({ item: skillManifest(requireSkill(ctx, c.req.param("skillKey"))) });
  });

  api.patch("/skills/:skillKey/config", platform, async (c) => {
    const skill = requireSkill(ctx, c.req.param("skillKey"));
    const body = await readJson(c, updateConfigBody);
    return c.json({ item: updateSkillConfig(ctx, skill, body) });
  });
}
