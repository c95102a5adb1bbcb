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

/** A skill as listed. */
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

/** Options of `listSkills`. */
export type ListSkillsOptions = {
  readonly scope?: SkillScope;
  readonly direction?: SkillDirection;
  readonly source?: SkillSource;
  readonly cursor?: string;
  readonly limit?: number;
};

/** One operation a skill's manifest declares, with JSON Schemas of its input and output. */
export type SkillOperation = {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly outputSchema: Readonly<Record<string, unknown>>;
};

/** A skill's manifest. */
export type SkillManifest = {
  readonly skillKey: string;
  readonly version: string;
  readonly providerKey: string;
  readonly executionMode: ExecutionMode;
  readonly operations: readonly SkillOperation[];
  readonly configSchema: Readonly<Record<string, unknown>>;
};

/** Body of `updateSkillConfig`. */
export type UpdateSkillConfigRequest = {
  readonly enabled?: boolean;
  readonly config?: Readonly<Record<string, unknown>>;
};

/** A skill's configuration after an update. */
export type SkillConfigResponse = {
  readonly skillKey: string;
  readonly enabled: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
};
