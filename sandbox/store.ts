/**
 * The platform half's in-memory state: one `Map` per kind of record. Records hold the wire
 * shape (replaced, never mutated in place) plus the server-only fields beside it, such as the
 * sequence number pagination orders by and secrets kept only as hashes.
 *
 * @module
 */
import type { AgentPairing, Machine, MachineAgent, RuntimeEndpoint } from "../src/types/mod.ts";

/** A machine and its creation sequence. */
export type MachineRecord = {
  readonly seq: number;
  machine: Machine;
};

/** A server-issued machine identity challenge; single-use. */
export type IdentityChallengeRecord = {
  readonly challengeId: string;
  readonly identityRef: string;
  readonly message: string;
  readonly expiresAt: Date;
  readonly controllerAddresses: readonly string[];
  used: boolean;
};

/** A server-issued pairing challenge, keyed to the agent it was issued for; single-use. */
export type PairingChallengeRecord = {
  readonly challengeId: string;
  readonly machineId: string;
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  readonly agentDid: string | null;
  readonly message: string;
  readonly expiresAt: Date;
  used: boolean;
};

/** A pairing; `policyHash` is the `delegationPolicyHash` claim its current tokens must carry. */
export type PairingRecord = {
  readonly seq: number;
  pairing: AgentPairing;
  policyHash: string;
};

/** A machine agent; its provisioning token is kept only as a SHA-256 hex hash. */
export type MachineAgentRecord = {
  readonly seq: number;
  agent: MachineAgent;
  readonly tokenHash: string;
};

/** A runtime endpoint; `authToken` is kept server-side and never serialised. */
export type RuntimeEndpointRecord = {
  readonly seq: number;
  endpoint: RuntimeEndpoint;
  authToken: string | null;
};

/** The platform state of one sandbox app. */
export type SandboxStore = {
  readonly machines: Map<string, MachineRecord>;
  readonly identityChallenges: Map<string, IdentityChallengeRecord>;
  readonly pairingChallenges: Map<string, PairingChallengeRecord>;
  readonly pairings: Map<string, PairingRecord>;
  readonly machineAgents: Map<string, MachineAgentRecord>;
  /** Keyed by {@linkcode runtimeEndpointKey}. */
  readonly runtimeEndpoints: Map<string, RuntimeEndpointRecord>;
};

/**
 * Creates an empty store.
 *
 * @example
 * ```ts ignore
 * const store = createStore();
 * ```
 */
export function createStore(): SandboxStore {
  return {
    machines: new Map(),
    identityChallenges: new Map(),
    pairingChallenges: new Map(),
    pairings: new Map(),
    machineAgents: new Map(),
    runtimeEndpoints: new Map(),
  };
}

/**
 * The map key of a machine's runtime endpoint (provider keys are stored lowercased).
 *
 * @example
 * ```ts ignore
 * store.runtimeEndpoints.get(runtimeEndpointKey("m_1", "ollama"));
 * ```
 */
export function runtimeEndpointKey(machineId: string, providerKey: string): string {
  return `${machineId}\u0000${providerKey.toLowerCase()}`;
}

/** How long an expired challenge is kept, so a late proof reads as expired, not unknown. */
const EXPIRED_CHALLENGE_GRACE_MS = 60 * 60 * 1000;

/**
 * Drops spent challenges and those expired for over an hour, so a long-running sandbox does not
 * grow without bound. Called whenever a challenge is issued.
 *
 * @example
 * ```ts ignore
 * pruneChallenges(ctx.store, ctx.now());
 * ```
 */
export function pruneChallenges(store: SandboxStore, now: Date): void {
  const cutoff = now.getTime() - EXPIRED_CHALLENGE_GRACE_MS;
  for (const map of [store.identityChallenges, store.pairingChallenges]) {
    for (const [id, challenge] of map) {
      if (challenge.used || challenge.expiresAt.getTime() < cutoff) map.delete(id);
    }
  }
}
