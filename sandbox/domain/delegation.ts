/**
 * What a pairing's delegation policy lets its agent buy: the allow and deny lists of skills and
 * services, and the spend limits (`perTransactionLimit`, `dailySpendLimit`: JSON numbers in the
 * policy's `currency`, compared exactly as 10^-18 units). Search leaves out what the policy
 * denies; order creation and the retry of a failed order refuse it. The daily limit counts what
 * was actually delivered, so a refund after delivery does not free budget.
 *
 * @module
 */
import type { DelegationPolicy, MarketService } from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { amountToUnits, formatMoney, unitsToAmount } from "../../contract/money.ts";
import type { OrderRecord, PairingRecord } from "../store.ts";

/**
 * Whether `policy` lets the agent buy `service` (allow lists empty = no restriction; deny wins).
 *
 * @example
 * ```ts ignore
 * if (policyDenial(policy, service)) throw new ApiError(403, "AGENT_POLICY_DENIED", ...);
 * ```
 */
export function policyDenial(policy: DelegationPolicy, service: MarketService): string | undefined {
  if (policy.deniedSkillKeys.includes(service.skillKey)) {
    return `Skill denied by the delegation policy: '${service.skillKey}'`;
  }
  if (policy.allowedSkillKeys.length > 0 && !policy.allowedSkillKeys.includes(service.skillKey)) {
    return `Skill not in the delegation policy's allowed skills: '${service.skillKey}'`;
  }
  if (policy.deniedServiceIds.includes(service.id)) {
    return `Service denied by the delegation policy: '${service.id}'`;
  }
  if (policy.allowedServiceIds.length > 0 && !policy.allowedServiceIds.includes(service.id)) {
    return `Service not in the delegation policy's allowed services: '${service.id}'`;
  }
  return undefined;
}

/**
 * Whether an order counts against its pairing's spend limits: one that was delivered or handed
 * off always does (refunding it later does not undo the delivery), one not yet executed does
 * while it may still run; a cancelled or failed order, or one whose payment was refunded before
 * delivery, does not.
 *
 * @example
 * ```ts ignore
 * if (countsAgainstLimits(ctx, record)) total += record.price.units;
 * ```
 */
export function countsAgainstLimits(ctx: SandboxContext, record: OrderRecord): boolean {
  if (record.deliveredAt !== null) return true;
  const { status, id } = record.order;
  if (status === "cancelled" || status === "failed") return false;
  return ctx.store.payments.get(id)?.status !== "refunded";
}

/**
 * What the pairing has committed on `day` in `currency`, in 10^-18 units: its orders that
 * {@linkcode countsAgainstLimits}.
 *
 * @example
 * ```ts ignore
 * const spent = spentToday(ctx, pairing.pairing.id, utcDay(ctx.now()), "USDT");
 * ```
 */
export function spentToday(
  ctx: SandboxContext,
  pairingId: string,
  day: string,
  currency: string,
): bigint {
  let total = 0n;
  for (const record of ctx.store.orders.values()) {
    if (record.order.agentPairingId !== pairingId || record.spendDay !== day) continue;
    if (record.price.currency !== currency) continue;
    if (countsAgainstLimits(ctx, record)) total += record.price.units;
  }
  return total;
}

/**
 * Checks a price of `units` against the pairing's delegation policy limits: the limits' currency
 * (403 `AGENT_POLICY_DENIED`), `perTransactionLimit` (403 `AGENT_SPEND_LIMIT_EXCEEDED`) and
 * `dailySpendLimit` counted over `day` (403 `AGENT_DAILY_LIMIT_EXCEEDED`). Free orders always pass.
 * Used by order creation and by the retry of a failed order, which counts again.
 *
 * @example
 * ```ts ignore
 * checkSpend(ctx, pairing, units, "USDT", utcDay(now));
 * ```
 */
export function checkSpend(
  ctx: SandboxContext,
  pairing: PairingRecord,
  units: bigint,
  currency: string,
  day: string,
): void {
  const policy = pairing.pairing.delegationPolicy;
  const hasLimit = (policy.perTransactionLimit ?? null) !== null ||
    (policy.dailySpendLimit ?? null) !== null;
  if (!hasLimit || units === 0n) return;
  const limitCurrency = policy.currency ?? "USDT";
  if (limitCurrency !== currency) {
    throw new ApiError(
      403,
      "AGENT_POLICY_DENIED",
      `Spend limits are in '${limitCurrency}' but the order is priced in '${currency}'`,
    );
  }
  const perTransaction = policy.perTransactionLimit != null
    ? amountToUnits(policy.perTransactionLimit)
    : undefined;
  if (perTransaction !== undefined && units > perTransaction) {
    throw new ApiError(
      403,
      "AGENT_SPEND_LIMIT_EXCEEDED",
      `Price exceeds the per-transaction limit: ${formatMoney(units)} > ${
        formatMoney(perTransaction)
      } ${currency}`,
      { price: unitsToAmount(units), limit: policy.perTransactionLimit, currency },
    );
  }
  const daily = policy.dailySpendLimit != null ? amountToUnits(policy.dailySpendLimit) : undefined;
  if (daily === undefined) return;
  const spent = spentToday(ctx, pairing.pairing.id, day, currency);
  if (spent + units > daily) {
    throw new ApiError(
      403,
      "AGENT_DAILY_LIMIT_EXCEEDED",
      `Order would exceed the daily spend limit: ${formatMoney(spent + units)} > ${
        formatMoney(daily)
      } ${currency}`,
      {
        spentToday: unitsToAmount(spent),
        price: unitsToAmount(units),
        limit: policy.dailySpendLimit,
        currency,
      },
    );
  }
}
