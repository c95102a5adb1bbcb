/**
 * `contract/money.ts`: wire amounts (JSON numbers) become exact 10^-18 units through their
 * shortest decimal form, exponent spellings included, and back.
 */
import { assertEquals } from "@std/assert";
import { amountToUnits, decimalOf, unitsToAmount } from "../../contract/money.ts";

Deno.test("decimalOf() spells exponent forms out in full", () => {
  assertEquals(decimalOf(12.5), "12.5");
  assertEquals(decimalOf(0), "0");
  assertEquals(decimalOf(1e-7), "0.0000001");
  assertEquals(decimalOf(1.5e-18), "0.0000000000000000015");
  assertEquals(decimalOf(1e21), "1000000000000000000000");
  assertEquals(decimalOf(1.25e22), "12500000000000000000000");
});

Deno.test("decimalOf() refuses negative, non-finite and non-number values", () => {
  for (const value of [-1, -0.01, NaN, Infinity, -Infinity, "1", null, undefined, 1n]) {
    assertEquals(decimalOf(value), undefined, String(value));
  }
});

Deno.test("amountToUnits() is exact to 18 decimals and refuses more", () => {
  assertEquals(amountToUnits(0.1), 100_000_000_000_000_000n);
  assertEquals(amountToUnits(0.1)! + amountToUnits(0.2)!, amountToUnits(0.3));
  assertEquals(amountToUnits(1e-18), 1n);
  assertEquals(amountToUnits(1e-19), undefined);
  assertEquals(amountToUnits(1.5e-18), undefined);
  assertEquals(amountToUnits(-1), undefined);
});

Deno.test("unitsToAmount() gives back the number that was sent", () => {
  for (const amount of [0, 0.01, 0.1, 12.5, 123456789.123456, 1e-7]) {
    assertEquals(unitsToAmount(amountToUnits(amount)!), amount);
  }
});
