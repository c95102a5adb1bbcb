/**
 * Skills: the operations machines provide or consume.
 *
 * @module
 */
import type {
  ExecutionMode,
  IntegrationStatus,
  ServiceType,
  SkillDirection,
  SkillScope,
  SkillSource,
} from "./common.ts";

/**
 * A skill as listed.
 *
 * @example From `listSkills`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listSkills();
 * for (const skillSummary of items) console.log(skillSummary.label);
 * ```
 */
export type SkillSummary = {
  readonly key: string;
  readonly providerKey: string;
  readonly label: string;
  readonly description: string;
  readonly serviceTypes: readonly ServiceType[];
  readonly operations: readonly string[];
  readonly executionMode: ExecutionMode;
  readonly integrationStatus: IntegrationStatus;
  readonly scope: SkillScope;
  readonly direction: SkillDirection;
  readonly source: SkillSource;
};

/**
 * Options of `listSkills`.
 *
 * @example Usage
 * ```ts
 * import type { ListSkillsOptions } from "@peaqos/peaq-os-sdk";
 *
 * const listSkillsOptions: ListSkillsOptions = { limit: 50 };
 * ```
 */
export type ListSkillsOptions = {
  readonly scope?: SkillScope;
  readonly direction?: SkillDirection;
  readonly source?: SkillSource;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * One operation a skill's manifest declares, with JSON Schemas of its input and output.
 *
 * @example Read a field
 * ```ts
 * import type { SkillOperation } from "@peaqos/peaq-os-sdk";
 *
 * function show(skillOperation: SkillOperation): unknown {
 *   return skillOperation.name;
 * }
 * ```
 */
export type SkillOperation = {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly outputSchema: Readonly<Record<string, unknown>>;
};

/**
 * A skill's manifest.
 *
 * @example From `getSkillManifest`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.getSkillManifest(skillKey);
 * console.log(item.skillKey);
 * ```
 */
export type SkillManifest = {
  readonly skillKey: string;
  readonly version: string;
  readonly providerKey: string;
  readonly executionMode: ExecutionMode;
  readonly operations: readonly SkillOperation[];
  readonly configSchema: Readonly<Record<string, unknown>>;
};

/**
 * Body of `updateSkillConfig`.
 *
 * @example Usage
 * ```ts
 * import type { UpdateSkillConfigRequest } from "@peaqos/peaq-os-sdk";
 *
 * const updateSkillConfigRequest: UpdateSkillConfigRequest = { enabled: true };
 * ```
 */
export type UpdateSkillConfigRequest = {
  readonly enabled?: boolean;
  readonly config?: Readonly<Record<string, unknown>>;
};

/**
 * A skill's configuration after an update.
 *
 * @example From `updateSkillConfig`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.updateSkillConfig(skillKey, params);
 * console.log(item.enabled);
 * ```
 */
export type SkillConfigResponse = {
  readonly skillKey: string;
  readonly enabled: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
};
