/**
 * Agent pairings: challenges keyed to the agent, creation with an EIP-191 proof recovered to
 * `agentAddress`, HS256 session tokens returned once, session rotation, policy updates (which
 * end the session and supersede its token) and revocation. Pairing needs an identity-verified,
 * active machine, and answers 503 `AGENT_PAIRING_UNAVAILABLE` when `agentPairingEnabled` is off.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import {
  AGENT_DID,
  createPairingBody,
  type delegationPolicyBody,
  pairingChallengeBody,
  pairingSessionBody,
  updatePairingBody,
} from "../../contract/pairings.ts";
import type {
  AgentPairing,
  AgentPairingChallengeResponse,
  AgentPairingWithToken,
  DelegationPolicy,
} from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import { issueChallenge } from "../challenges.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import {
  recoverPersonalSignAddress,
  sameAddress,
  sha256Hex,
  signJwt,
  toChecksumAddress,
} from "../crypto.ts";
import { ApiError, notFound } from "../errors.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import type { PairingChallengeRecord, PairingRecord } from "../store.ts";
import { readJson, readQuery, validationError } from "../validate.ts";
import { isIdentityVerified, requireActiveMachine, requireMachine } from "./machines.ts";

const listSchema = listQuerySchema.extend({
  status: z.enum(["active", "paused", "revoked"]).optional(),
});

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

function pairingUnavailable(ctx: SandboxContext): void {
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
 */
function requirePairableMachine(ctx: SandboxContext, machineId: string): void {
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
  input: z.output<typeof delegationPolicyBody> | undefined,
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

function requirePairing(ctx: SandboxContext, machineId: string, pairingId: string): PairingRecord {
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

function machineIdOf(c: Context<SandboxEnv>): string {
  return c.req.param("machineId") ?? "";
}

/**
 * Registers the agent pairing routes under `/machines/:machineId/agent-pairings`.
 *
 * @example
 * ```ts ignore
 * registerPairingRoutes(api, ctx);
 * ```
 */
export function registerPairingRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const base = "/machines/:machineId/agent-pairings";

  api.get(base, platform, (c) => {
    const machineId = machineIdOf(c);
    requireMachine(ctx, machineId);
    const query = readQuery(c, listSchema);
    const records = [...ctx.store.pairings.values()].filter((r) =>
      r.pairing.machineId === machineId &&
      (query.status === undefined || r.pairing.status === query.status)
    );
    return c.json(paginate(records, query, (r) => r.pairing));
  });

  api.post(`${base}/challenges`, platform, async (c) => {
    pairingUnavailable(ctx);
    const machineId = machineIdOf(c);
    requirePairableMachine(ctx, machineId);
    const body = await readJson(c, pairingChallengeBody);
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
    const item: AgentPairingChallengeResponse = {
      challengeId,
      agentAddress: body.agentAddress,
      message,
      expiresAt: expiresAt.toISOString(),
      verificationMethod: "eip191",
    };
    return c.json({ item }, 201);
  });

  api.post(base, platform, async (c) => {
    pairingUnavailable(ctx);
    const machineId = machineIdOf(c);
    requirePairableMachine(ctx, machineId);
    const body = await readJson(c, createPairingBody);
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
    return c.json({ item: await issueSession(ctx, record) }, 201);
  });

  api.post(`${base}/:pairingId/sessions`, platform, async (c) => {
    pairingUnavailable(ctx);
    const machineId = machineIdOf(c);
    const record = requirePairing(ctx, machineId, c.req.param("pairingId"));
    const body = await readJson(c, pairingSessionBody);
    if (record.pairing.status === "revoked") {
      throw new ApiError(
        403,
        "AGENT_PAIRING_INACTIVE",
        `Agent pairing is revoked: '${record.pairing.id}'`,
      );
    }
    requirePairableMachine(ctx, machineId);
    const { signer, challenge } = verifyPairingProof(
      ctx,
      machineId,
      record.pairing,
      body.agentProof,
    );
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
    return c.json({ item: await issueSession(ctx, record) }, 201);
  });

  api.patch(`${base}/:pairingId`, platform, async (c) => {
    const record = requirePairing(ctx, machineIdOf(c), c.req.param("pairingId"));
    const body = await readJson(c, updatePairingBody);
    if (record.pairing.status === "revoked") {
      throw new ApiError(
        403,
        "AGENT_PAIRING_INACTIVE",
        `Agent pairing is revoked: '${record.pairing.id}'`,
      );
    }
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
    return c.json({ item: record.pairing });
  });

  api.delete(`${base}/:pairingId`, platform, (c) => {
    const record = requirePairing(ctx, machineIdOf(c), c.req.param("pairingId"));
    if (record.pairing.status !== "revoked") {
      record.pairing = {
        ...record.pairing,
        ...NO_SESSION,
        status: "revoked",
        updatedAt: ctx.now().toISOString(),
      };
    }
    return c.body(null, 204);
  });
}
