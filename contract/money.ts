/**
 * Exact decimal money: amounts travel as JSON numbers on the wire (contract revision 2) but are
 * computed as bigints of 10^-18 units, never floats, so spend limits hold to the cent and sums
 * never drift. A number is converted through its shortest decimal form (`String(0.1)` is
 * `"0.1"`), which is exactly what the sender wrote.
 *
 * @module
 */

/** Decimal places kept internally; every token's base units (6 for USDT, 18 for most) convert exactly. */
export const MONEY_SCALE = 18;

const UNIT = 10n ** BigInt(MONEY_SCALE);
const DECIMAL = /^([0-9]{1,30})(?:\.([0-9]{1,18}))?$/;

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

const EXPONENT = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/;

/**
 * The shortest decimal spelling of a finite non-negative number (`1e-7` → `"0.0000001"`), or
 * `undefined` for a negative, non-finite or non-number value.
 *
 * @example
 * ```ts ignore
 * decimalOf(12.5); // "12.5"
 * decimalOf(1e21); // "1000000000000000000000"
 * ```
 */
export function decimalOf(value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return undefined;
  const text = String(value);
  const match = EXPONENT.exec(text);
  if (!match) return text;
  const digits = `${match[1]}${match[2] ?? ""}`;
  const point = (match[1] ?? "").length + Number(match[3]);
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Converts a wire amount (a JSON number) into 10^-18 units; `undefined` when it is negative,
 * non-finite, over-precise (more than 18 decimal places) or too large.
 *
 * @example
 * ```ts ignore
 * amountToUnits(0.1); // 100000000000000000n
 * amountToUnits(-1); // undefined
 * ```
 */
export function amountToUnits(value: unknown): bigint | undefined {
  const decimal = decimalOf(value);
  return decimal === undefined ? undefined : parseMoney(decimal);
}

/**
 * Converts 10^-18 units back into a wire amount (a JSON number), e.g. `100000000000000000n` → `0.1`.
 *
 * @example
 * ```ts ignore
 * unitsToAmount(amountToUnits(12.5)!); // 12.5
 * ```
 */
export function unitsToAmount(units: bigint): number {
  return Number(formatMoney(units));
}
