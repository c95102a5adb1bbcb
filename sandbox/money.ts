/**
 * Exact decimal money for the sandbox: amounts are bigints of 10^-18 units (as many decimal
 * places as the wire accepts), never floats, so spend limits hold to the cent and sums never drift.
 *
 * @module
 */

/** Decimal places kept internally; every token's base units (6 for USDT, 18 for most) convert exactly. */
export const MONEY_SCALE = 18;

const UNIT = 10n ** BigInt(MONEY_SCALE);
const DECIMAL = /^([0-9]{1,30})(?:\.([0-9]{1,18}))?$/;

/**
 * Whether `value` is a non-negative decimal string with at most 18 decimal places, e.g. `"12.50"`.
 *
 * @example
 * ```ts ignore
 * isDecimal("12.50"); // true
 * isDecimal("1e3"); // false
 * ```
 */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
}

/**
 * Parses a decimal string into 10^-18 units; `undefined` when it is not a valid amount.
 *
 * @example
 * ```ts ignore
 * parseMoney("0.10"); // 100000000000000000n
 * ```
 */
export function parseMoney(value: string): bigint | undefined {
  const match = DECIMAL.exec(value);
  if (!match) return undefined;
  const whole = BigInt(match[1] ?? "0");
  const fraction = BigInt((match[2] ?? "").padEnd(MONEY_SCALE, "0"));
  return whole * UNIT + fraction;
}

/**
 * Formats 10^-18 units as a decimal string with at least 2 decimal places (`"12.50"`,
 * `"0.000125"`).
 *
 * @example
 * ```ts ignore
 * formatMoney(parseMoney("12.5")!); // "12.50"
 * ```
 */
export function formatMoney(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNIT;
  let fraction = (abs % UNIT).toString().padStart(MONEY_SCALE, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/**
 * Normalises a decimal string (`"5"` → `"5.00"`); `undefined` when invalid.
 *
 * @example
 * ```ts ignore
 * normalizeMoney("5"); // "5.00"
 * ```
 */
export function normalizeMoney(value: string): string | undefined {
  const units = parseMoney(value);
  return units === undefined ? undefined : formatMoney(units);
}

/**
 * Converts a display amount into a token's base units (`"1.50"` with 6 decimals → `1500000n`);
 * `undefined` when the amount has more precision than the token.
 *
 * @example
 * ```ts ignore
 * toBaseUnits("1.50", 6); // 1500000n
 * ```
 */
export function toBaseUnits(value: string, decimals: number): bigint | undefined {
  const units = parseMoney(value);
  if (units === undefined) return undefined;
  if (decimals >= MONEY_SCALE) return units * 10n ** BigInt(decimals - MONEY_SCALE);
  const divisor = 10n ** BigInt(MONEY_SCALE - decimals);
  return units % divisor === 0n ? units / divisor : undefined;
}
