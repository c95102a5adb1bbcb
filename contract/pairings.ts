/**
 * Request bodies of the agent pairing routes and the delegation policy, tied to the SDK's
 * request types at compile time.
 *
 * @module
 */
import { z } from "zod";
import type {
  AgentPairingProof,
  CreateAgentPairingChallengeRequest,
  CreateAgentPairingRequest,
  CreateAgentPairingSessionRequest,
  DelegationPolicyInput,
  UpdateAgentPairingRequest,
} from "../src/types/mod.ts";
import { addressSchema, amountSchema, proofSchema, shortTextSchema } from "./fields.ts";
import type { Ties } from "./ties.ts";

/** `did:pkh:eip155:<chainId>:<address>`; groups: chain id, address. */
export const AGENT_DID = /^did:pkh:eip155:([1-9]\d{0,18}):(0x[0-9a-fA-F]{40})$/;

// Fields of revision 1, refused by name so an old client learns what to send instead.
const RENAMED_POLICY_FIELDS: Readonly<Record<string, string>> = {
  dailyLimit: "'dailySpendLimit' (a JSON number)",
};

const keyList = z.array(shortTextSchema).max(500);

/**
 * A delegation policy in a request. Limits are JSON numbers (`amountSchema`); the revision-1
 * names (`dailyLimit`) and decimal strings are a `VALIDATION_ERROR` naming the field.
 */
export const delegationPolicyBody = z.strictObject({
  allowedSkillKeys: keyList.optional(),
  deniedSkillKeys: keyList.optional(),
  allowedServiceIds: keyList.optional(),
  deniedServiceIds: keyList.optional(),
  perTransactionLimit: amountSchema.nullable().optional(),
  dailySpendLimit: amountSchema.nullable().optional(),
  currency: z.string().regex(/^[A-Za-z0-9]{2,12}$/, "must be a currency code such as 'USDT'")
    .nullable().optional(),
}, {
  error: (issue) => {
    if (issue.code !== "unrecognized_keys") return undefined;
    return issue.keys.map((key) => {
      const renamed = RENAMED_POLICY_FIELDS[key];
      return renamed ? `'${key}' is now ${renamed}` : `unknown field '${key}'`;
    }).join("; ");
  },
});
/** A validated delegation policy of a request. */
export type DelegationPolicyBody = z.output<typeof delegationPolicyBody>;

const agentFields = {
  agentAddress: addressSchema,
  agentProvider: shortTextSchema,
  agentRole: shortTextSchema,
  agentDid: z.string().regex(AGENT_DID, "must be 'did:pkh:eip155:<chainId>:<agentAddress>'")
    .optional(),
};

/** `POST /machines/:machineId/agent-pairings/challenges`. */
export const pairingChallengeBody = z.strictObject(agentFields);
/** A validated body of `POST .../agent-pairings/challenges`. */
export type PairingChallengeBody = z.output<typeof pairingChallengeBody>;

// `agentProof` is optional on the wire so that a missing one is AGENT_PAIRING_PROOF_REQUIRED,
// not a generic VALIDATION_ERROR; the SDK's types require it.
type WithOptionalProof<T> = Omit<T, "agentProof"> & {
  readonly agentProof?: AgentPairingProof | undefined;
};

/** `POST /machines/:machineId/agent-pairings`. */
export const createPairingBody = z.strictObject({
  ...agentFields,
  description: z.string().max(1000).optional(),
  delegationPolicy: delegationPolicyBody.optional(),
  agentProof: proofSchema.optional(),
});
/** A validated body of `POST .../agent-pairings`. */
export type CreatePairingBody = z.output<typeof createPairingBody>;

/** `POST /machines/:machineId/agent-pairings/:pairingId/sessions`. */
export const pairingSessionBody = z.strictObject({
  agentProof: proofSchema.optional(),
});
/** A validated body of `POST .../agent-pairings/:pairingId/sessions`. */
export type PairingSessionBody = z.output<typeof pairingSessionBody>;

/** `PATCH /machines/:machineId/agent-pairings/:pairingId`. */
export const updatePairingBody = z.strictObject({
  description: z.string().max(1000).optional(),
  status: z.enum(["active", "paused"]).optional(),
  delegationPolicy: delegationPolicyBody.optional(),
});
/** A validated body of `PATCH .../agent-pairings/:pairingId`. */
export type UpdatePairingBody = z.output<typeof updatePairingBody>;

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _policy: Ties<DelegationPolicyBody, DelegationPolicyInput> = true;
const _challenge: Ties<
  PairingChallengeBody,
  CreateAgentPairingChallengeRequest
> = true;
const _create: Ties<
  CreatePairingBody,
  WithOptionalProof<CreateAgentPairingRequest>
> = true;
const _session: Ties<
  PairingSessionBody,
  WithOptionalProof<CreateAgentPairingSessionRequest>
> = true;
const _update: Ties<UpdatePairingBody, UpdateAgentPairingRequest> = true;
