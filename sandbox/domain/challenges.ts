/**
 * Issuing the server's single-use challenges (machine identity and agent pairing): the id, the
 * message the controller or agent signs (EIP-191), its expiry, and pruning of spent ones.
 *
 * @module
 */
import type { SandboxContext } from "../context.ts";
import { randomHex } from "../crypto.ts";
import type { SandboxStore } from "../store.ts";

/** A fresh challenge, not yet stored: the caller stores it with its own fields. */
export type IssuedChallenge = {
  readonly challengeId: string;
  readonly message: string;
  readonly expiresAt: Date;
};

/**
 * Creates a challenge: an id with `prefix`, and a message of `title`, the `fields` lines, the
 * id, a random nonce, the issue and expiry times (`challengeTtlSeconds` on the sandbox clock).
 * Prunes spent and long-expired challenges first, so a long-running sandbox stays bounded.
 *
 * @example
 * ```ts ignore
 * const { challengeId, message, expiresAt } = issueChallenge(ctx, "mic",
 *   "peaqOS machine identity challenge", [`Identity: ${identityRef}`]);
 * ```
 */
export function issueChallenge(
  ctx: SandboxContext,
  prefix: string,
  title: string,
  fields: readonly string[],
): IssuedChallenge {
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.options.challengeTtlSeconds * 1000);
  const challengeId = ctx.ids.nextId(prefix);
  const message = [
    title,
    ...fields,
    `Challenge: ${challengeId}`,
    `Nonce: ${randomHex(16)}`,
    `Issued At: ${now.toISOString()}`,
    `Expiration Time: ${expiresAt.toISOString()}`,
  ].join("\n");
  pruneChallenges(ctx.store, now);
  return { challengeId, message, expiresAt };
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
