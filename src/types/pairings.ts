/**
 * Agent pairings: AI agents delegated to act for a machine.
 *
 * @module
 */
import type { AgentPairingProof } from "./common.ts";

/** Spend and scope limits delegated to a paired agent. Limits are decimal strings. */
export type DelegationPolicy = {
  readonly allowedSkillKeys: readonly string[];
  readonly deniedSkillKeys: readonly string[];
  readonly allowedServiceIds: readonly string[];
  readonly deniedServiceIds: readonly string[];
  readonly perTransactionLimit?: string | null;
  readonly dailyLimit?: string | null;
  readonly currency?: string;
};

/** A delegation policy as sent in requests; omitted lists default to empty. */
export type DelegationPolicyInput = {
  readonly allowedSkillKeys?: readonly string[];
  readonly deniedSkillKeys?: readonly string[];
  readonly allowedServiceIds?: readonly string[];
  readonly deniedServiceIds?: readonly string[];
  readonly perTransactionLimit?: string | null;
  readonly dailyLimit?: string | null;
  readonly currency?: string;
};

/** Status of a pairing. */
export type AgentPairingStatus = "active" | "paused" | "revoked";

/** A pairing between a machine and an AI agent. */
export type AgentPairing = {
  readonly id: string;
  readonly machineId: string;
  readonly agentAddress: string;
  readonly agentDid: string | null;
  readonly agentProvider: string;
  readonly agentRole: string;
  readonly description?: string;
  readonly status: AgentPairingStatus;
  readonly verification: {
    readonly method: "eip191";
    readonly signerAddress: string;
    readonly verifiedAt: string;
    readonly challengeExpiresAt: string;
  } | null;
  readonly delegationPolicy: DelegationPolicy;
  readonly sessionId: string;
  readonly sessionIssuedAt: string;
  readonly sessionExpiresAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** A pairing with its session token, returned once by create and session calls. */
export type AgentPairingWithToken = AgentPairing & {
  /** HS256 session JWT; send it as the `pairingToken` argument of agent calls. */
  readonly pairingToken: string;
};

/** Options of `listAgentPairings`. */
export type ListAgentPairingsOptions = {
  readonly cursor?: string;
  readonly limit?: number;
  readonly status?: AgentPairingStatus;
};

/** Body of `createAgentPairingChallenge`. */
export type CreateAgentPairingChallengeRequest = {
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  /** `did:pkh:eip155:<chainId>:<agentAddress>` when given. */
  readonly agentDid?: string;
};

/** A server-issued pairing challenge; the agent signs `message` with EIP-191. */
export type AgentPairingChallengeResponse = {
  readonly challengeId: string;
  readonly agentAddress: string;
  readonly message: string;
  readonly expiresAt: string;
  readonly verificationMethod: "eip191";
};

/** Body of `createAgentPairing`. */
export type CreateAgentPairingRequest = {
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  readonly agentDid?: string;
  readonly description?: string;
  readonly delegationPolicy?: DelegationPolicyInput;
  readonly agentProof: AgentPairingProof;
};

/** Body of `createAgentPairingSession`: a fresh proof over a new challenge. */
export type CreateAgentPairingSessionRequest = {
  readonly agentProof: AgentPairingProof;
};

/** Body of `updateAgentPairing`. A policy change invalidates the current session token. */
export type UpdateAgentPairingRequest = {
  readonly description?: string;
  readonly status?: "active" | "paused";
  readonly delegationPolicy?: DelegationPolicyInput;
};
