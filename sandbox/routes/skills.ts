/**
 * Skills: `GET /skills`, `GET /skills/:skillKey`, `GET /skills/:skillKey/manifest` and
 * `PATCH /skills/:skillKey/config` (platform auth). Skills come from the catalogue fixture; a
 * config update is checked against the manifest's `configSchema` and merged into the stored one.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { SkillConfigResponse } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import { type CatalogueSkill, skillManifest, skillSummary } from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { notFound } from "../errors.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { checkSchema } from "../schema.ts";
import { readJson, readQuery, validationError } from "../validate.ts";

const listSkillsQuery = listQuerySchema.extend({
  scope: z.enum(["platform", "machine"]).optional(),
  direction: z.enum(["provide", "consume"]).optional(),
  source: z.enum(["builtin", "catalog", "custom"]).optional(),
});

const updateConfigBody = z.strictObject({
  enabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

function requireSkill(ctx: SandboxContext, key: string): CatalogueSkill {
  const skill = ctx.catalogue.findSkill(key);
  if (!skill) throw notFound("Skill", key);
  return skill;
}

/**
 * Whether a skill is enabled (skills are enabled until a config update says otherwise).
 *
 * @example
 * ```ts ignore
 * if (!isSkillEnabled(ctx, "sim.inference")) ...
 * ```
 */
export function isSkillEnabled(ctx: SandboxContext, skillKey: string): boolean {
  return ctx.store.skillConfigs.get(skillKey)?.enabled ?? true;
}

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
    const indexed = ctx.catalogue.skills.map((skill, index) => ({ seq: index + 1, skill }));
    const matching = indexed.filter(({ skill }) =>
      (query.scope === undefined || skill.scope === query.scope) &&
      (query.direction === undefined || skill.direction === query.direction) &&
      (query.source === undefined || skill.source === query.source)
    );
    return c.json(paginate(matching, query, ({ skill }) => skillSummary(skill)));
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
    const store = ctx.store.skillConfigs;
    const current = store.get(skill.key);
    const config = { ...current?.config, ...body.config };
    const issues = checkSchema(skill.manifest.configSchema, config, "config");
    if (issues.length > 0) throw validationError(issues);
    const updated: SkillConfigResponse = {
      skillKey: skill.key,
      enabled: body.enabled ?? current?.enabled ?? true,
      config,
      updatedAt: ctx.now().toISOString(),
    };
    store.set(skill.key, updated);
    return c.json({ item: updated });
  });
}
