/**
 * Skills: the catalogue's skills, whether one is enabled (until a config update says otherwise),
 * and config updates checked against the skill manifest's `configSchema`.
 *
 * @module
 */
import type { SkillConfigResponse } from "../../src/types/mod.ts";
import type { CatalogueSkill } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { checkSchema } from "../json_schema.ts";
import { validationError } from "../validate.ts";

/** What a skill list may be narrowed by. */
export type SkillFilter = {
  readonly scope?: CatalogueSkill["scope"] | undefined;
  readonly direction?: CatalogueSkill["direction"] | undefined;
  readonly source?: CatalogueSkill["source"] | undefined;
};

/**
 * The skill with `key`, or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const skill = requireSkill(ctx, "sim.inference");
 * ```
 */
export function requireSkill(ctx: SandboxContext, key: string): CatalogueSkill {
  const skill = ctx.catalogue.findSkill(key);
  if (!skill) throw notFound("Skill", key);
  return skill;
}

/**
 * The catalogue's skills that pass `filter`, numbered in catalogue order (`seq`, for paging).
 *
 * @example
 * ```ts ignore
 * const matching = skillsMatching(ctx, { scope: "machine" });
 * ```
 */
export function skillsMatching(
  ctx: SandboxContext,
  filter: SkillFilter,
): { readonly seq: number; readonly skill: CatalogueSkill }[] {
  const indexed = ctx.catalogue.skills.map((skill, index) => ({ seq: index + 1, skill }));
  return indexed.filter(({ skill }) =>
    (filter.scope === undefined || skill.scope === filter.scope) &&
    (filter.direction === undefined || skill.direction === filter.direction) &&
    (filter.source === undefined || skill.source === filter.source)
  );
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
 * Merges `changes.config` into the skill's stored config, checks the result against the
 * manifest's `configSchema` (400 `VALIDATION_ERROR` naming each problem) and stores it.
 *
 * @example
 * ```ts ignore
 * const config = updateSkillConfig(ctx, skill, { enabled: false });
 * ```
 */
export function updateSkillConfig(
  ctx: SandboxContext,
  skill: CatalogueSkill,
  changes: {
    readonly enabled?: boolean | undefined;
    readonly config?: Readonly<Record<string, unknown>> | undefined;
  },
): SkillConfigResponse {
  const store = ctx.store.skillConfigs;
  const current = store.get(skill.key);
  const config = { ...current?.config, ...changes.config };
  const issues = checkSchema(skill.manifest.configSchema, config, "config");
  if (issues.length > 0) throw validationError(issues);
  const updated: SkillConfigResponse = {
    skillKey: skill.key,
    enabled: changes.enabled ?? current?.enabled ?? true,
    config,
    updatedAt: ctx.now().toISOString(),
  };
  store.set(skill.key, updated);
  return updated;
}
