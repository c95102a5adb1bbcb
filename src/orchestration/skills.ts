/**
 * Skills (what machines can provide or consume), as methods of `client.orchestration`.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse, ListResponse } from "../types/common.ts";
import type {
  ListSkillsOptions,
  SkillConfigResponse,
  SkillManifest,
  SkillSummary,
  UpdateSkillConfigRequest,
} from "../types/skills.ts";
import type { Routes } from "./routes.ts";

/**
 * Skills (`/skills`): the catalogue of capabilities, their manifests and configuration.
 *
 * @example What a skill can do
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const { item: manifest } = await client.orchestration.getSkillManifest("aerial-mapping");
 * console.log(manifest.operations.map((operation) => operation.name));
 * ```
 */
export interface SkillsApi {
  /**
   * Lists skills, filtered by scope, direction and source (`GET /skills`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listSkills({ direction: "provide" });
   * ```
   */
  listSkills(
    options?: ListSkillsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<SkillSummary>>;

  /**
   * Iterates every skill across pages; filters pass through on every page.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const skill of client.orchestration.listSkillsAll({ scope: "platform" })) {
   *   console.log(skill.key, skill.integrationStatus);
   * }
   * ```
   */
  listSkillsAll(
    options?: Omit<ListSkillsOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<SkillSummary, void, undefined>;

  /**
   * Gets one skill (`GET /skills/:skillKey`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: skill } = await client.orchestration.getSkill("vision.detect");
   * ```
   */
  getSkill(skillKey: string, requestOptions?: RequestOptions): Promise<ItemResponse<SkillSummary>>;

  /**
   * Gets a skill's manifest (`GET /skills/:skillKey/manifest`): its operations and the
   * schema of its configuration.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: manifest } = await client.orchestration.getSkillManifest("vision.detect");
   * console.log(manifest.version, manifest.configSchema);
   * ```
   */
  getSkillManifest(
    skillKey: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<SkillManifest>>;

  /**
   * Updates a skill's configuration (`PATCH /skills/:skillKey/config`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.updateSkillConfig("aerial-mapping", {
   *   enabled: true,
   *   config: { maxAltitudeM: 120 },
   * });
   * ```
   */
  updateSkillConfig(
    skillKey: string,
    params: UpdateSkillConfigRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<SkillConfigResponse>>;
}

/** The routes of {@linkcode SkillsApi}. @internal */
export const SKILL_ROUTES: Routes<SkillsApi> = {
  listSkills: "GET /skills list query",
  getSkill: "GET /skills/:skillKey item",
  getSkillManifest: "GET /skills/:skillKey/manifest item",
  updateSkillConfig: "PATCH /skills/:skillKey/config item body",
};
