/**
 * Which tenant an order belongs to at the edge. Its records, its replays and the session its
 * handoff is confirmed with are that tenant's; every other tenant gets `404`.
 *
 * - An order created through the proxy belongs to the tenant that created it, recorded as soon
 *   as the API answers (before the caller learns the order id).
 * - An order created elsewhere (the SDK, another client) is adopted by the one tenant holding a
 *   stored session for the order's pairing, when the first signed webhook or handoff run for it
 *   comes in. When no tenant, or more than one, holds such a session, the order stays without
 *   an owner: its handoff is not run (the job is parked on the dead-letter queue), since no
 *   tenant's session could be trusted to confirm it. Storing one session and replaying (or the
 *   next webhook) resolves it.
 *
 * An adopted owner is replaced when the creating tenant's claim arrives later (the API's
 * `order.created` webhook can overtake the proxy's answer); a creator's claim is never replaced.
 *
 * @module
 */
import type { Env } from "./env.ts";
import { ledger } from "./ledger.ts";
import { sessionHolders } from "./sessions.ts";

/** Records that `tenant` created the order through the proxy. */
export async function claimCreatedOrder(
  env: Env,
  orderId: string,
  tenant: string,
): Promise<void> {
  await ledger(env, `order:${orderId}`).claimOwner(tenant, "proxy");
}

/** The order's owner, or `null`. */
export async function orderOwner(
  env: Env,
  orderId: string,
): Promise<string | null> {
  return await ledger(env, `order:${orderId}`).owner();
}

/**
 * The order's owner, adopting the one tenant that holds a session for `agentPairingId` when
 * it has none yet; `null` when there is no owner and no single candidate.
 */
export async function adoptOwner(
  env: Env,
  orderId: string,
  agentPairingId: string,
  known?: string | null,
): Promise<string | null> {
  const record = ledger(env, `order:${orderId}`);
  const owner = known !== undefined ? known : await record.owner();
  if (owner !== null) return owner;
  const holders = await sessionHolders(env, agentPairingId);
  if (holders.length !== 1) return null;
  return await record.claimOwner(holders[0]!, "session");
}
