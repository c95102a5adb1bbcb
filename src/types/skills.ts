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
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listSkills({ direction: "provide" });
 * for (const skill of items) console.log(skill.key, skill.label, skill.integrationStatus);
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
 * const options: ListSkillsOptions = { scope: "machine", source: "catalog", limit: 50 };
 * ```
 */
export type ListSkillsOptions = {
  readonly scope?: SkillScope | undefined;
  readonly direction?: SkillDirection | undefined;
  readonly source?: SkillSource | undefined;
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * One operation a skill's manifest declares, with JSON Schemas of its input and output.
 *
 * @example List what a skill can do
 * ```ts
 * import type { SkillOperation } from "@peaqos/peaq-os-sdk";
 *
 * function describe(operations: readonly SkillOperation[]): string[] {
 *   return operations.map((op) => `${op.name}: ${op.description}`);
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
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: manifest } = await client.orchestration.getSkillManifest("aerial-mapping");
 * console.log(manifest.version, manifest.operations.map((op) => op.name));
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
 * const body: UpdateSkillConfigRequest = { enabled: true, config: { maxAltitudeM: 120 } };
 * ```
 */
export type UpdateSkillConfigRequest = {
  readonly enabled?: boolean | undefined;
  readonly config?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * A skill's configuration after an update.
 *
 * @example From `updateSkillConfig`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.updateSkillConfig("aerial-mapping", { enabled: false });
 * console.log(item.enabled, item.updatedAt);
 * ```
 */
export type SkillConfigResponse = {
  readonly skillKey: string;
  readonly enabled: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
};
