import { assertEquals } from "@std/assert";
import { MARKET_PAYMENT_RAILS, type MarketPaymentRailType } from "../../mod.ts";

// The SDK document's set, plus "wdk-usdt-transfer" added in 0.2.0 and "xvv42" from the API
// reference (contract revision 2).
const DOCUMENTED: Record<MarketPaymentRailType, true> = {
  "x402": true,
  "mpp": true,
  "wallet": true,
  "vault-stripe": true,
  "escrow": true,
  "onchain-escrow": true,
  "offchain-record": true,
  "external": true,
  "not-required": true,
  "wdk-usdt-transfer": true,
  "xvv42": true,
};

Deno.test("MARKET_PAYMENT_RAILS lists every documented rail exactly once", () => {
  assertEquals([...MARKET_PAYMENT_RAILS].sort(), Object.keys(DOCUMENTED).sort());
  assertEquals(new Set(MARKET_PAYMENT_RAILS).size, MARKET_PAYMENT_RAILS.length);
});
