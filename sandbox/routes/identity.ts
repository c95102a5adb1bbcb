/**
 * Machine identity: challenges (`POST /machine-identity/challenges`) and the proof check used by
 * machine create/update. A `did:peaq:0x<address>` is controlled by that address unless the
 * `identities` option says otherwise; a `peaqos:machine:<id>` must be listed there.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type {
  MachineIdentityChallengeResponse,
  MachineIdentityProof,
} from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import { issueChallenge } from "../challenges.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { recoverPersonalSignAddress, sameAddress, toChecksumAddress } from "../crypto.ts";
import { ApiError } from "../errors.ts";
import { readJson } from "../validate.ts";

const DID_PEAQ = /^did:peaq:(0x[0-9a-fA-F]{40})$/;
const PEAQOS_MACHINE = /^peaqos:machine:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** `did:peaq:0x<address>` or `peaqos:machine:<id>`. */
export const identityRefSchema = z.string().refine(
  (value) => DID_PEAQ.test(value) || PEAQOS_MACHINE.test(value),
  "must be 'did:peaq:0x<address>' or 'peaqos:machine:<id>'",
);

const challengeSchema = z.strictObject({ identityRef: identityRefSchema });

/**
 * The comparison form of an identity reference: a did:peaq address is case-insensitive.
 *
 * @example
 * ```ts ignore
 * canonicalIdentityRef("did:peaq:0xAB…") === canonicalIdentityRef("did:peaq:0xab…"); // true
 * ```
 */
export function canonicalIdentityRef(identityRef: string): string {
  const did = DID_PEAQ.exec(identityRef);
  return did ? `did:peaq:${did[1]!.toLowerCase()}` : identityRef;
}

/**
 * The controller addresses of an identity, or 424 `PEAQOS_IDENTITY_UNAVAILABLE` when the
 * sandbox cannot resolve it.
 *
 * @example
 * ```ts ignore
 * resolveControllers(ctx, `did:peaq:${wallet.address}`); // [wallet.address]
 * ```
 */
export function resolveControllers(ctx: SandboxContext, identityRef: string): string[] {
  const canonical = canonicalIdentityRef(identityRef);
  for (const [ref, controllers] of Object.entries(ctx.options.identities)) {
    if (canonicalIdentityRef(ref) === canonical) return controllers.map(toChecksumAddress);
  }
  const did = DID_PEAQ.exec(identityRef);
  if (did) return [toChecksumAddress(did[1]!)];
  throw new ApiError(
    424,
    "PEAQOS_IDENTITY_UNAVAILABLE",
    `Identity cannot be resolved: '${identityRef}'`,
  );
}

/**
 * Verifies an identity proof for `identityRef` and consumes its challenge. Throws
 * `MACHINE_IDENTITY_PROOF_INVALID` (unknown, used or foreign challenge, or a signer that is not
 * a controller) or `MACHINE_IDENTITY_PROOF_EXPIRED`. Call it last, after every other check of
 * the request, so a refused request does not burn the challenge.
 *
 * @example
 * ```ts ignore
 * const identityProof = verifyIdentityProof(ctx, body.identityRef, body.identityProof);
 * ```
 */
export function verifyIdentityProof(
  ctx: SandboxContext,
  identityRef: string,
  proof: { readonly challengeId: string; readonly signature: string },
): MachineIdentityProof {
  const challenge = ctx.store.identityChallenges.get(proof.challengeId);
  const invalid = (why: string) =>
    new ApiError(403, "MACHINE_IDENTITY_PROOF_INVALID", `Identity proof refused: ${why}`);
  if (challenge === undefined || challenge.used) throw invalid("unknown or already used challenge");
  if (canonicalIdentityRef(challenge.identityRef) !== canonicalIdentityRef(identityRef)) {
    throw invalid("the challenge was issued for another identity");
  }
  const now = ctx.now();
  if (challenge.expiresAt.getTime() <= now.getTime()) {
    throw new ApiError(
      403,
      "MACHINE_IDENTITY_PROOF_EXPIRED",
      `Identity challenge expired: '${challenge.challengeId}'`,
    );
  }
  const signer = recoverPersonalSignAddress(challenge.message, proof.signature);
  if (signer === undefined) throw invalid("malformed signature");
  if (!challenge.controllerAddresses.some((address) => sameAddress(address, signer))) {
    throw invalid("the signer is not a controller of the identity");
  }
  challenge.used = true;
  return {
    method: "eip191",
    identityRef,
    signerAddress: signer,
    challengeId: challenge.challengeId,
    verifiedAt: now.toISOString(),
    challengeExpiresAt: challenge.expiresAt.toISOString(),
    controllerAddresses: [...challenge.controllerAddresses],
    resolutionSource: "peaqos-mcr",
  };
}

/**
 * Registers `POST /machine-identity/challenges`.
 *
 * @example
 * ```ts ignore
 * registerIdentityRoutes(api, ctx);
 * ```
 */
export function registerIdentityRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  api.post("/machine-identity/challenges", requirePlatform(ctx), async (c) => {
    const { identityRef } = await readJson(c, challengeSchema);
    const controllerAddresses = resolveControllers(ctx, identityRef);
    const { challengeId, message, expiresAt } = issueChallenge(
      ctx,
      "mic",
      "peaqOS machine identity challenge",
      [`Identity: ${identityRef}`],
    );
    ctx.store.identityChallenges.set(challengeId, {
      challengeId,
      identityRef,
      message,
      expiresAt,
      controllerAddresses,
      used: false,
    });
    const item: MachineIdentityChallengeResponse = {
      challengeId,
      identityRef,
      message,
      expiresAt: expiresAt.toISOString(),
      verificationMethod: "eip191",
      controllerAddresses,
    };
    return c.json({ item }, 201);
  });
}
