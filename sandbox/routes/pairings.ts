/**
 * Agent pairings: challenges keyed to the agent, creation with an EIP-191 proof recovered to
 * `agentAddress`, HS256 session tokens returned once, session rotation, policy updates (which
 * supersede older tokens) and revocation.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import type {
  AgentPairing,
  AgentPairingChallengeResponse,
  AgentPairingWithToken,
  DelegationPolicy,
} from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import { issueChallenge } from "../challenges.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { recoverPersonalSignAddress, sameAddress, sha256Hex, signJwt } from "../crypto.ts";
import { ApiError, notFound } from "../errors.ts";
import {
  addressSchema,
  amountSchema,
  proofSchema,
  shortTextSchema,
} from "../../contract/fields.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import type { PairingChallengeRecord, PairingRecord } from "../store.ts";
import { readJson, readQuery, validationError } from "../validate.ts";
import { requireActiveMachine, requireMachine } from "./machines.ts";

const AGENT_DID = /^did:pkh:eip155:([1-9]\d{0,18}):(0x[0-9a-fA-F]{40})$/;

const keyList = z.array(shortTextSchema).max(500);

const policySchema = z.strictObject({
  allowedSkillKeys: keyList.optional(),
  deniedSkillKeys: keyList.optional(),
  allowedServiceIds: keyList.optional(),
  deniedServiceIds: keyList.optional(),
  perTransactionLimit: amountSchema.nullable().optional(),
  dailySpendLimit: amountSchema.nullable().optional(),
  currency: z.string().regex(/^[A-Za-z0-9]{2,12}$/, "must be a currency code such as 'USDT'")
    .optional(),
});

const agentFields = {
  agentAddress: addressSchema,
  agentProvider: shortTextSchema,
  agentRole: shortTextSchema,
  agentDid: z.string().regex(AGENT_DID, "must be 'did:pkh:eip155:<chainId>:<agentAddress>'")
    .optional(),
};

const challengeSchema = z.strictObject(agentFields);

const createSchema = z.strictObject({
  ...agentFields,
  description: z.string().max(1000).optional(),
  delegationPolicy: policySchema.optional(),
  // Optional here so a missing proof is AGENT_PAIRING_PROOF_REQUIRED, not a generic 400.
  agentProof: proofSchema.optional(),
});

const sessionSchema = z.strictObject({ agentProof: proofSchema.optional() });

const updateSchema = z.strictObject({
  description: z.string().max(1000).optional(),
  status: z.enum(["active", "paused"]).optional(),
  delegationPolicy: policySchema.optional(),
});

const listSchema = listQuerySchema.extend({
  status: z.enum(["active", "paused", "revoked"]).optional(),
});

/** The default currency of delegation limits when a policy names none. */
export const DEFAULT_POLICY_CURRENCY = "USDT";

function assertDidMatches(agentAddress: string, agentDid: string | undefined): void {
  if (agentDid === undefined) return;
  const did = AGENT_DID.exec(agentDid);
  if (!did || !sameAddress(did[2]!, agentAddress)) {
    throw validationError([{
      path: "agentDid",
      message: "must be 'did:pkh:eip155:<chainId>:<agentAddress>' for the same agentAddress",
    }]);
  }
}

function normalizePolicy(input: z.output<typeof policySchema> | undefined): DelegationPolicy {
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
    (challenge.agentDid ?? null) !== (agent.agentDid ?? null)
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

/** Starts a new session on `record`: fresh sessionId, expiry and token. */
async function issueSession(
  ctx: SandboxContext,
  record: PairingRecord,
): Promise<AgentPairingWithToken> {
  const now = ctx.now();
  // Whole seconds, so `sessionExpiresAt` is exactly the token's `exp`.
  const expiresAt = new Date(
    Math.floor(now.getTime() / 1000) * 1000 + ctx.options.pairingSessionTtlSeconds * 1000,
  );
  const pairing: AgentPairing = {
    ...record.pairing,
    sessionId: ctx.ids.nextId("ses"),
    sessionIssuedAt: now.toISOString(),
    sessionExpiresAt: expiresAt.toISOString(),
    updatedAt: now.toISOString(),
  };
  record.pairing = pairing;
  const pairingToken = await signJwt({
    machineId: pairing.machineId,
    pairingId: pairing.id,
    sessionId: pairing.sessionId,
    agentAddress: pairing.agentAddress,
    agentDid: pairing.agentDid,
    delegationPolicyHash: record.policyHash,
    iat: Math.floor(now.getTime() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
  }, ctx.jwtSecret);
  return { ...pairing, pairingToken };
}

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
    const machineId = machineIdOf(c);
    requireActiveMachine(ctx, machineId);
    const body = await readJson(c, challengeSchema);
    assertDidMatches(body.agentAddress, body.agentDid);
    const { challengeId, message, expiresAt } = issueChallenge(
      ctx,
      "apc",
      "peaqOS agent pairing challenge",
      [
        `Machine: ${machineId}`,
        `Agent: ${body.agentAddress}`,
        `Provider: ${body.agentProvider}`,
        `Role: ${body.agentRole}`,
        ...(body.agentDid ? [`DID: ${body.agentDid}`] : []),
      ],
    );
    ctx.store.pairingChallenges.set(challengeId, {
      challengeId,
      machineId,
      agentAddress: body.agentAddress,
      agentProvider: body.agentProvider,
      agentRole: body.agentRole,
      agentDid: body.agentDid ?? null,
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
    const machineId = machineIdOf(c);
    requireActiveMachine(ctx, machineId);
    const body = await readJson(c, createSchema);
    assertDidMatches(body.agentAddress, body.agentDid);
    const agent: AgentClaim = { ...body, agentDid: body.agentDid ?? null };
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
        agentDid: body.agentDid ?? null,
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
        sessionId: "",
        sessionIssuedAt: now,
        sessionExpiresAt: now,
        createdAt: now,
        updatedAt: now,
      },
    };
    ctx.store.pairings.set(record.pairing.id, record);
    return c.json({ item: await issueSession(ctx, record) }, 201);
  });

  api.post(`${base}/:pairingId/sessions`, platform, async (c) => {
    const machineId = machineIdOf(c);
    const record = requirePairing(ctx, machineId, c.req.param("pairingId"));
    const body = await readJson(c, sessionSchema);
    if (record.pairing.status === "revoked") {
      throw new ApiError(
        403,
        "AGENT_PAIRING_INACTIVE",
        `Agent pairing is revoked: '${record.pairing.id}'`,
      );
    }
    requireActiveMachine(ctx, machineId);
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
    const body = await readJson(c, updateSchema);
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
    // A new hash supersedes every token issued under the old policy (AGENT_AUTH_INVALID).
    record.policyHash = await delegationPolicyHash(delegationPolicy);
    record.pairing = {
      ...record.pairing,
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
      record.pairing = { ...record.pairing, status: "revoked", updatedAt: ctx.now().toISOString() };
    }
    return c.body(null, 204);
  });
}
