/**
 * Machine identity: issuing challenges, the proof check used by machine create and update, and
 * the re-check of a stored proof. Who controls an identity is the context's identity registry
 * (`identities.ts`).
 *
 * @module
 */
import type {
  Machine,
  MachineIdentityChallengeResponse,
  MachineIdentityProof,
} from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { recoverPersonalSignAddress, sameAddress } from "../crypto.ts";
import { ApiError } from "../errors.ts";
import { canonicalIdentityRef } from "../identities.ts";
import { issueChallenge } from "./challenges.ts";

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
  const controllers = ctx.identities.resolve(identityRef);
  if (controllers !== undefined) return controllers;
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
 * Whether a machine's stored identity proof still holds: its identity resolves and the proof's
 * signer is still one of its controllers. `false` for a machine without a proof.
 *
 * @example
 * ```ts ignore
 * if (!identityStillVerified(ctx, machine)) throw new ApiError(409, "MACHINE_NOT_ACTIVATED", ...);
 * ```
 */
export function identityStillVerified(ctx: SandboxContext, machine: Machine): boolean {
  const proof = machine.identityProof;
  if (!proof) return false;
  const controllers = ctx.identities.resolve(proof.identityRef);
  return controllers?.some((address) => sameAddress(address, proof.signerAddress)) ?? false;
}

/**
 * Issues an identity challenge for `identityRef` (424 `PEAQOS_IDENTITY_UNAVAILABLE` when the
 * identity does not resolve): the message its controller signs to prove the machine's identity.
 *
 * @example
 * ```ts ignore
 * const challenge = createIdentityChallenge(ctx, `did:peaq:${wallet.address}`);
 * ```
 */
export function createIdentityChallenge(
  ctx: SandboxContext,
  identityRef: string,
): MachineIdentityChallengeResponse {
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
  return {
    challengeId,
    identityRef,
    message,
    expiresAt: expiresAt.toISOString(),
    verificationMethod: "eip191",
    controllerAddresses,
  };
}
