/**
 * Agent pairings: challenges keyed to the agent, creation with an EIP-191 proof recovered to
 * `agentAddress`, HS256 session tokens returned once, session rotation, policy updates (which
 * end the session and supersede its token), revocation, and the checks every agent action makes
 * of its pairing ({@linkcode assertPairingActive}, {@linkcode assertPairingMatches}). Pairing
 * needs an identity-verified, active machine, and answers 503 `AGENT_PAIRING_UNAVAILABLE` when
 * `agentPairingEnabled` is off.
 *
 * @module
 */
import {
  AGENT_DID,
  type CreatePairingBody,
  type DelegationPolicyBody,
  type PairingChallengeBody,
  type PairingSessionBody,
  type UpdatePairingBody,
} from "../../contract/pairings.ts";
import type {
  AgentPairing,
  AgentPairingChallengeResponse,
  AgentPairingWithToken,
  DelegationPolicy,
} from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import {
  recoverPersonalSignAddress,
  sameAddress,
  sha256Hex,
  signJwt,
  toChecksumAddress,
} from "../crypto.ts";
import { ApiError, notFound } from "../errors.ts";
import type { PairingChallengeRecord, PairingRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import { issueChallenge } from "./challenges.ts";
import { isIdentityVerified, requireActiveMachine, requireMachine } from "./machines.ts";

/** The default currency of delegation limits when a policy names none. */
export const DEFAULT_POLICY_CURRENCY = "USDT";

/**
 * The pairing's DID: the one given, which must name the same address (checksummed), or
 * `did:pkh:eip155:1:<agentAddress>` derived from the address.
 */
function effectiveAgentDid(agentAddress: string, agentDid: string | undefined): string {
  const address = toChecksumAddress(agentAddress);
  if (agentDid === undefined) return `did:pkh:eip155:1:${address}`;
  const did = AGENT_DID.exec(agentDid);
  const didAddress = did?.[2];
  // A mixed-case address claims an EIP-55 checksum, so it must be the right one.
  const checksumOk = didAddress !== undefined &&
    (didAddress === didAddress.toLowerCase() || didAddress === toChecksumAddress(didAddress));
  if (!did || !checksumOk || !sameAddress(didAddress!, address)) {
    throw validationError([{
      path: "agentDid",
      message: "must be 'did:pkh:eip155:<chainId>:<agentAddress>' for the same agentAddress",
    }]);
  }
  return agentDid;
}

/**
 * Throws 503 `AGENT_PAIRING_UNAVAILABLE` when pairing is switched off (`agentPairingEnabled`).
 *
 * @example
 * ```ts ignore
 * assertPairingEnabled(ctx);
 * ```
 */
export function assertPairingEnabled(ctx: SandboxContext): void {
  if (!ctx.options.agentPairingEnabled) {
    throw new ApiError(
      503,
      "AGENT_PAIRING_UNAVAILABLE",
      "Agent pairing is switched off on this deployment",
    );
  }
}

/**
 * The machine an agent is paired with: identity-verified (400
 * `MACHINE_IDENTITY_PROOF_REQUIRED` when it never proved one; 409 `MACHINE_NOT_ACTIVATED` when
 * its identity stopped resolving) and active (409 `MACHINE_NOT_ACTIVE`).
 *
 * @example
 * ```ts ignore
 * requirePairableMachine(ctx, machineId);
 * ```
 */
export function requirePairableMachine(ctx: SandboxContext, machineId: string): void {
  const { machine } = requireMachine(ctx, machineId);
  if (!machine.identityProof && !isIdentityVerified(ctx, machine)) {
    throw new ApiError(
      400,
      "MACHINE_IDENTITY_PROOF_REQUIRED",
      `Machine has no verified identity: verify '${machineId}' with an 'identityProof' first`,
    );
  }
  requireActiveMachine(ctx, machineId);
}

function normalizePolicy(
  input: DelegationPolicyBody | undefined,
): DelegationPolicy {
  return {
    allowedSkillKeys: input?.allowedSkillKeys ?? [],
    deniedSkillKeys: input?.deniedSkillKeys ?? [],
    allowedServiceIds: input?.allowedServiceIds ?? [],
    deniedServiceIds: input?.deniedServiceIds ?? [],
    perTransactionLimit: input?.perTransactionLimit ?? null,
    dailySpendLimit: input?.dailySpendLimit ?? null,
    currency: input?.currency ?? DEFAULT_POLICY_CURRENCY,
  };
}

/**
 * The `delegationPolicyHash` claim: SHA-256 of the policy's canonical JSON (fixed key order),
 * so equal policies hash equally and any change produces a new hash.
 *
 * @example
 * ```ts ignore
 * const hash = await delegationPolicyHash(pairing.delegationPolicy);
 * ```
 */
export async function delegationPolicyHash(policy: DelegationPolicy): Promise<string> {
  return await sha256Hex(JSON.stringify([
    policy.allowedSkillKeys,
    policy.deniedSkillKeys,
    policy.allowedServiceIds,
    policy.deniedServiceIds,
    policy.perTransactionLimit ?? null,
    policy.dailySpendLimit ?? null,
    policy.currency ?? null,
  ]));
}

/**
 * The pairing `pairingId` of `machineId`, or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const record = requirePairing(ctx, machineId, c.req.param("pairingId"));
 * ```
 */
export function requirePairing(
  ctx: SandboxContext,
  machineId: string,
  pairingId: string,
): PairingRecord {
  const record = ctx.store.pairings.get(pairingId);
  if (record === undefined || record.pairing.machineId !== machineId) {
    throw notFound("Agent pairing", pairingId);
  }
  return record;
}

type AgentClaim = {
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  /** The effective DID (given or derived). */
  readonly agentDid: string | null;
};

/**
 * Checks a pairing proof against a live challenge for this machine and agent; consumes the
 * challenge on success. Call it after every other check of the request.
 */
function verifyPairingProof(
  ctx: SandboxContext,
  machineId: string,
  agent: AgentClaim,
  proof: { readonly challengeId: string; readonly signature: string } | undefined,
): { signer: string; challenge: PairingChallengeRecord } {
  if (proof === undefined) {
    throw new ApiError(
      400,
      "AGENT_PAIRING_PROOF_REQUIRED",
      "'agentProof' is required: sign a pairing challenge with the agent's key",
    );
  }
  const invalid = (why: string) =>
    new ApiError(403, "AGENT_PAIRING_PROOF_INVALID", `Pairing proof refused: ${why}`);
  const challenge = ctx.store.pairingChallenges.get(proof.challengeId);
  if (challenge === undefined || challenge.used || challenge.machineId !== machineId) {
    throw invalid("unknown or already used challenge");
  }
  if (
    !sameAddress(challenge.agentAddress, agent.agentAddress) ||
    challenge.agentProvider !== agent.agentProvider || challenge.agentRole !== agent.agentRole ||
    challenge.agentDid !== agent.agentDid
  ) {
    throw invalid("the challenge was issued for another agent, provider, role or DID");
  }
  if (challenge.expiresAt.getTime() <= ctx.now().getTime()) {
    throw new ApiError(
      403,
      "AGENT_PAIRING_PROOF_EXPIRED",
      `Pairing challenge expired: '${challenge.challengeId}'`,
    );
  }
  const signer = recoverPersonalSignAddress(challenge.message, proof.signature);
  if (signer === undefined || !sameAddress(signer, agent.agentAddress)) {
    throw invalid("the signature does not recover to 'agentAddress'");
  }
  challenge.used = true;
  return { signer, challenge };
}

/** Starts a new session on `record`: fresh sessionId, token id, expiry and token. */
async function issueSession(
  ctx: SandboxContext,
  record: PairingRecord,
): Promise<AgentPairingWithToken> {
  const now = ctx.now();
  // Whole seconds, so `sessionExpiresAt` is exactly the token's `exp`.
  const expiresAt = new Date(
    Math.floor(now.getTime() / 1000) * 1000 + ctx.options.pairingSessionTtlSeconds * 1000,
  );
  const sessionId = ctx.ids.nextId("ses");
  const sessionTokenId = ctx.ids.nextId("pat");
  const pairingToken = await signJwt({
    machineId: record.pairing.machineId,
    pairingId: record.pairing.id,
    sessionId,
    agentAddress: record.pairing.agentAddress,
    agentDid: record.pairing.agentDid,
    delegationPolicyHash: record.policyHash,
    jti: sessionTokenId,
    iat: Math.floor(now.getTime() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
  }, ctx.jwtSecret);
  const pairing: AgentPairing = {
    ...record.pairing,
    hasAuthToken: true,
    tokenLastFour: pairingToken.slice(-4),
    sessionTokenId,
    sessionId,
    sessionIssuedAt: now.toISOString(),
    sessionExpiresAt: expiresAt.toISOString(),
    updatedAt: now.toISOString(),
  };
  record.pairing = pairing;
  return { ...pairing, pairingToken };
}

/** The session fields of a pairing without a live token (its session ended). */
const NO_SESSION = {
  hasAuthToken: false,
  tokenLastFour: null,
  sessionTokenId: null,
  sessionId: null,
  sessionIssuedAt: null,
  sessionExpiresAt: null,
} as const satisfies Partial<AgentPairing>;

/**
 * The pairings of `machineId`, in creation order, optionally of one status.
 *
 * @example
 * ```ts ignore
 * const records = pairingsOf(ctx, machineId, "active");
 * ```
 */
export function pairingsOf(
  ctx: SandboxContext,
  machineId: string,
  status: AgentPairing["status"] | undefined,
): PairingRecord[] {
  return [...ctx.store.pairings.values()].filter((r) =>
    r.pairing.machineId === machineId && (status === undefined || r.pairing.status === status)
  );
}

/**
 * Issues a pairing challenge for the agent the body names: the message its key signs, bound to
 * this machine, address, provider, role and DID.
 *
 * @example
 * ```ts ignore
 * const challenge = createPairingChallenge(ctx, machineId, { agentAddress, agentProvider, agentRole });
 * ```
 */
export function createPairingChallenge(
  ctx: SandboxContext,
  machineId: string,
  body: PairingChallengeBody,
): AgentPairingChallengeResponse {
  const agentDid = effectiveAgentDid(body.agentAddress, body.agentDid);
  const { challengeId, message, expiresAt } = issueChallenge(
    ctx,
    "apc",
    "peaqOS agent pairing challenge",
    [
      `Machine: ${machineId}`,
      `Agent: ${body.agentAddress}`,
      `Provider: ${body.agentProvider}`,
      `Role: ${body.agentRole}`,
      `DID: ${agentDid}`,
    ],
  );
  ctx.store.pairingChallenges.set(challengeId, {
    challengeId,
    machineId,
    agentAddress: body.agentAddress,
    agentProvider: body.agentProvider,
    agentRole: body.agentRole,
    agentDid,
    message,
    expiresAt,
    used: false,
  });
  return {
    challengeId,
    agentAddress: body.agentAddress,
    message,
    expiresAt: expiresAt.toISOString(),
    verificationMethod: "eip191",
  };
}

/**
 * Pairs an agent with `machineId` from a proof over one of its challenges, and starts its first
 * session: the answer carries the pairing token, once.
 *
 * @example
 * ```ts ignore
 * const pairing = await createPairing(ctx, machineId, body);
 * ```
 */
export async function createPairing(
  ctx: SandboxContext,
  machineId: string,
  body: CreatePairingBody,
): Promise<AgentPairingWithToken> {
  const agentDid = effectiveAgentDid(body.agentAddress, body.agentDid);
  const agent: AgentClaim = { ...body, agentDid };
  const { signer, challenge } = verifyPairingProof(ctx, machineId, agent, body.agentProof);
  const delegationPolicy = normalizePolicy(body.delegationPolicy);
  const now = ctx.now().toISOString();
  const record: PairingRecord = {
    seq: ctx.ids.nextSeq(),
    policyHash: await delegationPolicyHash(delegationPolicy),
    pairing: {
      id: ctx.ids.nextId("ap"),
      machineId,
      agentAddress: body.agentAddress,
      agentDid,
      agentProvider: body.agentProvider,
      agentRole: body.agentRole,
      ...(body.description !== undefined && { description: body.description }),
      status: "active",
      verification: {
        method: "eip191",
        signerAddress: signer,
        verifiedAt: now,
        challengeExpiresAt: challenge.expiresAt.toISOString(),
      },
      delegationPolicy,
      ...NO_SESSION,
      createdAt: now,
      updatedAt: now,
    },
  };
  ctx.store.pairings.set(record.pairing.id, record);
  return await issueSession(ctx, record);
}

/**
 * Starts a new session on a pairing from a fresh proof (a revoked pairing is 403
 * `AGENT_PAIRING_INACTIVE`); the previous session's token is superseded.
 *
 * @example
 * ```ts ignore
 * const pairing = await startPairingSession(ctx, record, body);
 * ```
 */
export async function startPairingSession(
  ctx: SandboxContext,
  record: PairingRecord,
  body: PairingSessionBody,
): Promise<AgentPairingWithToken> {
  assertNotRevoked(record);
  const machineId = record.pairing.machineId;
  requirePairableMachine(ctx, machineId);
  const { signer, challenge } = verifyPairingProof(ctx, machineId, record.pairing, body.agentProof);
  const now = ctx.now().toISOString();
  record.pairing = {
    ...record.pairing,
    verification: {
      method: "eip191",
      signerAddress: signer,
      verifiedAt: now,
      challengeExpiresAt: challenge.expiresAt.toISOString(),
    },
  };
  return await issueSession(ctx, record);
}

/**
 * Updates a pairing's description, status or delegation policy (a revoked pairing is 403
 * `AGENT_PAIRING_INACTIVE`). A policy change ends the session: its token is superseded.
 *
 * @example
 * ```ts ignore
 * const pairing = await updatePairing(ctx, record, { status: "paused" });
 * ```
 */
export async function updatePairing(
  ctx: SandboxContext,
  record: PairingRecord,
  body: UpdatePairingBody,
): Promise<AgentPairing> {
  assertNotRevoked(record);
  const delegationPolicy = body.delegationPolicy === undefined
    ? record.pairing.delegationPolicy
    : normalizePolicy(body.delegationPolicy);
  // A new hash supersedes every token issued under the old policy (AGENT_AUTH_INVALID): the
  // session ends until a new one is created with a fresh proof.
  const policyHash = await delegationPolicyHash(delegationPolicy);
  const policyChanged = policyHash !== record.policyHash;
  record.policyHash = policyHash;
  record.pairing = {
    ...record.pairing,
    ...(policyChanged && NO_SESSION),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.status !== undefined && { status: body.status }),
    delegationPolicy,
    updatedAt: ctx.now().toISOString(),
  };
  return record.pairing;
}

/**
 * Revokes a pairing (idempotent): its session ends and its tokens answer
 * `AGENT_PAIRING_INACTIVE`.
 *
 * @example
 * ```ts ignore
 * revokePairing(ctx, record);
 * ```
 */
export function revokePairing(ctx: SandboxContext, record: PairingRecord): void {
  if (record.pairing.status === "revoked") return;
  record.pairing = {
    ...record.pairing,
    ...NO_SESSION,
    status: "revoked",
    updatedAt: ctx.now().toISOString(),
  };
}

function assertNotRevoked(record: PairingRecord): void {
  if (record.pairing.status === "revoked") {
    throw new ApiError(
      403,
      "AGENT_PAIRING_INACTIVE",
      `Agent pairing is revoked: '${record.pairing.id}'`,
    );
  }
}

/**
 * Throws 403 `AGENT_PAIRING_INACTIVE` unless the pairing is active. Call it wherever an agent
 * acts (order creation, execution, payment).
 *
 * @example
 * ```ts ignore
 * assertPairingActive(c.get("pairing"));
 * ```
 */
export function assertPairingActive(record: PairingRecord): void {
  if (record.pairing.status !== "active") {
    throw new ApiError(
      403,
      "AGENT_PAIRING_INACTIVE",
      `Agent pairing is ${record.pairing.status}: '${record.pairing.id}'`,
    );
  }
}

/**
 * Throws 403 `AGENT_PAIRING_REQUIRED` unless the request's `machineId`/`agentPairingId` are the
 * token's own (an agent cannot act through another pairing).
 *
 * @example
 * ```ts ignore
 * assertPairingMatches(c.get("pairing"), body.machineId, body.agentPairingId);
 * ```
 */
export function assertPairingMatches(
  record: PairingRecord,
  machineId: string,
  agentPairingId: string | undefined,
): void {
  const pairing = record.pairing;
  if (
    pairing.machineId !== machineId ||
    (agentPairingId !== undefined && agentPairingId !== pairing.id)
  ) {
    throw new ApiError(
      403,
      "AGENT_PAIRING_REQUIRED",
      "The pairing token does not belong to this machine and pairing",
    );
  }
}
