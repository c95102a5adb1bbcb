/**
 * Agent pairings: AI agents delegated to act for a machine.
 *
 * @module
 */
import type { AgentPairingProof } from "./common.ts";

/**
 * Spend and scope limits delegated to a paired agent. Limits are JSON numbers in `currency`.
 *
 * @example Show an agent's limits
 * ```ts
 * import type { DelegationPolicy } from "@peaqos/peaq-os-sdk";
 *
 * function limits(policy: DelegationPolicy): string {
 *   return `${policy.perTransactionLimit ?? "∞"} per order, ${policy.dailySpendLimit ?? "∞"} a day`;
 * }
 * ```
 */
export type DelegationPolicy = {
  readonly allowedSkillKeys: readonly string[];
  readonly deniedSkillKeys: readonly string[];
  readonly allowedServiceIds: readonly string[];
  readonly deniedServiceIds: readonly string[];
  readonly perTransactionLimit?: number | null | undefined;
  readonly dailySpendLimit?: number | null | undefined;
  readonly currency?: string | null | undefined;
};

/**
 * A delegation policy as sent in requests; omitted lists default to empty.
 *
 * @example Usage
 * ```ts
 * import type { DelegationPolicyInput } from "@peaqos/peaq-os-sdk";
 *
 * const delegationPolicy: DelegationPolicyInput = {
 *   allowedSkillKeys: ["aerial-mapping"],
 *   perTransactionLimit: 25,
 *   dailySpendLimit: 100,
 *   currency: "USDT",
 * };
 * ```
 */
export type DelegationPolicyInput = {
  readonly allowedSkillKeys?: readonly string[] | undefined;
  readonly deniedSkillKeys?: readonly string[] | undefined;
  readonly allowedServiceIds?: readonly string[] | undefined;
  readonly deniedServiceIds?: readonly string[] | undefined;
  readonly perTransactionLimit?: number | null | undefined;
  readonly dailySpendLimit?: number | null | undefined;
  readonly currency?: string | null | undefined;
};

/**
 * Status of a pairing.
 *
 * @example Usage
 * ```ts
 * import type { AgentPairingStatus } from "@peaqos/peaq-os-sdk";
 *
 * const agentPairingStatus: AgentPairingStatus = "paused";
 * ```
 */
export type AgentPairingStatus = "active" | "paused" | "revoked";

/**
 * A pairing between a machine and an AI agent. The session fields describe the current session
 * token (never the token itself): `hasAuthToken` says whether one is live, `tokenLastFour`
 * shows its last four characters to tell tokens apart, and all are `null` before the first
 * session or after one has ended (revocation, a policy change).
 *
 * @example From `listAgentPairings`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 * declare const token: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listAgentPairings(machineId, { status: "active" });
 * for (const pairing of items) {
 *   console.log(pairing.agentDid, pairing.hasAuthToken ? `…${pairing.tokenLastFour}` : "no token");
 * }
 * ```
 */
export type AgentPairing = {
  readonly id: string;
  readonly machineId: string;
  readonly agentAddress: string;
  /** `did:pkh:eip155:<chainId>:<agentAddress>`; derived with chain 1 when none was given. */
  readonly agentDid: string | null;
  readonly agentProvider: string;
  readonly agentRole: string;
  readonly description?: string | null | undefined;
  readonly status: AgentPairingStatus;
  readonly verification: {
    readonly method: "eip191";
    readonly signerAddress: string;
    readonly verifiedAt: string;
    readonly challengeExpiresAt: string;
  } | null;
  readonly delegationPolicy: DelegationPolicy;
  /** Whether a session token is live for this pairing. */
  readonly hasAuthToken: boolean;
  /** The last four characters of the live session token. */
  readonly tokenLastFour: string | null;
  /** The id of the live session token. */
  readonly sessionTokenId: string | null;
  readonly sessionId: string | null;
  readonly sessionIssuedAt: string | null;
  readonly sessionExpiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * A pairing with its session token, returned once by create and session calls.
 *
 * @example From `createAgentPairing`
 * ```ts
 * import { type CreateAgentPairingRequest, PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 * declare const body: CreateAgentPairingRequest; // the agent's address, role and signed challenge
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: pairing } = await client.orchestration.createAgentPairing(machineId, body);
 * console.log(pairing.id); // keep pairing.pairingToken secret: it is returned once
 * ```
 */
export type AgentPairingWithToken = AgentPairing & {
  /** HS256 session JWT; send it as the `pairingToken` argument of agent calls. */
  readonly pairingToken: string;
};

/**
 * Options of `listAgentPairings`.
 *
 * @example Usage
 * ```ts
 * import type { ListAgentPairingsOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListAgentPairingsOptions = { status: "paused", limit: 50 };
 * ```
 */
export type ListAgentPairingsOptions = {
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
  readonly status?: AgentPairingStatus | undefined;
};

/**
 * Body of `createAgentPairingChallenge`.
 *
 * @example Usage
 * ```ts
 * import type { CreateAgentPairingChallengeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateAgentPairingChallengeRequest = {
 *   agentAddress: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 *   agentProvider: "openai",
 *   agentRole: "buyer",
 *   agentDid: "did:pkh:eip155:1:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 * };
 * ```
 */
export type CreateAgentPairingChallengeRequest = {
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  /**
   * `did:pkh:eip155:<chainId>:<agentAddress>` for the same address; the server derives
   * `did:pkh:eip155:1:<agentAddress>` when omitted.
   */
  readonly agentDid?: string | undefined;
};

/**
 * A server-issued pairing challenge; the agent signs `message` with EIP-191.
 *
 * @example From `createAgentPairingChallenge`
 * ```ts
 * import {
 *   type CreateAgentPairingChallengeRequest,
 *   type MessageSigner,
 *   PeaqosClient,
 * } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 * declare const agentSigner: MessageSigner;
 * declare const body: CreateAgentPairingChallengeRequest;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: challenge } = await client.orchestration.createAgentPairingChallenge(machineId, body);
 * const signature = await agentSigner.signMessage(challenge.message);
 * ```
 */
export type AgentPairingChallengeResponse = {
  readonly challengeId: string;
  readonly agentAddress: string;
  readonly message: string;
  readonly expiresAt: string;
  readonly verificationMethod: "eip191";
};

/**
 * Body of `createAgentPairing`.
 *
 * @example Usage
 * ```ts
 * import type { CreateAgentPairingRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateAgentPairingRequest = {
 *   agentAddress: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 *   agentProvider: "openai",
 *   agentRole: "buyer",
 *   delegationPolicy: { allowedSkillKeys: ["aerial-mapping"], dailySpendLimit: 100 },
 *   agentProof: { challengeId: "chal_91bc", signature: "0x…" },
 * };
 * ```
 */
export type CreateAgentPairingRequest = {
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  readonly agentDid?: string | undefined;
  readonly description?: string | undefined;
  readonly delegationPolicy?: DelegationPolicyInput | undefined;
  readonly agentProof: AgentPairingProof;
};

/**
 * Body of `createAgentPairingSession`: a fresh proof over a new challenge.
 *
 * @example Usage
 * ```ts
 * import type { CreateAgentPairingSessionRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateAgentPairingSessionRequest = {
 *   agentProof: { challengeId: "chal_a04e", signature: "0x…" },
 * };
 * ```
 */
export type CreateAgentPairingSessionRequest = {
  readonly agentProof: AgentPairingProof;
};

/**
 * Body of `updateAgentPairing`. A policy change invalidates the current session token: create a
 * new session with a fresh proof.
 *
 * @example Pause a pairing
 * ```ts
 * import type { UpdateAgentPairingRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: UpdateAgentPairingRequest = {
 *   description: "Raised the daily cap",
 *   delegationPolicy: { perTransactionLimit: 25, dailySpendLimit: 250, currency: "USDT" },
 * };
 * ```
 */
export type UpdateAgentPairingRequest = {
  readonly description?: string | undefined;
  readonly status?: "active" | "paused" | undefined;
  readonly delegationPolicy?: DelegationPolicyInput | undefined;
};
