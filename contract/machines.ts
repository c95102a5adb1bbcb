/**
 * Request bodies of the machine and machine-identity routes, tied to the SDK's request types at
 * compile time: a field added to one and not the other fails `deno check`.
 *
 * @module
 */
import { z } from "zod";
import type {
  CreateMachineIdentityChallengeRequest,
  CreateMachineRequest,
  UpdateMachineRequest,
} from "../src/types/mod.ts";
import { proofSchema, shortTextSchema } from "./fields.ts";
import type { Ties } from "./ties.ts";

/** `did:peaq:0x<address>` or `peaqos:machine:<id>`. */
export const identityRefSchema = z.string().regex(
  /^(did:peaq:0x[0-9a-fA-F]{40}|peaqos:machine:[A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/,
  "must be 'did:peaq:0x<address>' or 'peaqos:machine:<id>'",
);

const stringList = z.array(shortTextSchema).max(100);
const labelsSchema = z.record(z.string().min(1).max(100), z.string().max(500));

/** `POST /machines`. `ownerId` is optional: the server defaults it. */
export const createMachineBody = z.strictObject({
  displayName: shortTextSchema,
  machineType: shortTextSchema,
  runtimeProfile: shortTextSchema.optional(),
  ownerId: shortTextSchema.optional(),
  status: z.enum(["draft", "active"]).optional(),
  capabilities: stringList.optional(),
  labels: labelsSchema.optional(),
  policyIds: stringList.optional(),
  skillKeys: stringList.optional(),
  identityRef: identityRefSchema.optional(),
  identityProof: proofSchema.optional(),
});
/** A validated body of `POST /machines`. */
export type CreateMachineBody = z.output<typeof createMachineBody>;

/** `PATCH /machines/:machineId`: the create fields but `ownerId`, all optional, any status. */
export const updateMachineBody = createMachineBody.omit({ ownerId: true }).extend({
  status: z.enum(["draft", "active", "degraded", "blocked", "archived"]),
}).partial();
/** A validated body of `PATCH /machines/:machineId`. */
export type UpdateMachineBody = z.output<typeof updateMachineBody>;

/** `POST /machine-identity/challenges`. */
export const identityChallengeBody = z.strictObject({
  identityRef: identityRefSchema,
});

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _create: Ties<CreateMachineBody, CreateMachineRequest> = true;
const _update: Ties<UpdateMachineBody, UpdateMachineRequest> = true;
const _challenge: Ties<
  z.output<typeof identityChallengeBody>,
  CreateMachineIdentityChallengeRequest
> = true;
