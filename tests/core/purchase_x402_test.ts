/**
 * `buyService` buys an x402 service as the public CLI does — challenge, local EIP-3009
 * signature, proof, execute with `PAYMENT-SIGNATURE`, confirm — against the real sandbox, reports
 * each step, and names the failing step and the order when a step after the order fails.
 */
import { assert, assertEquals, assertInstanceOf, assertMatch, assertRejects } from "@std/assert";
import {
  buyService,
  type BuyServiceParams,
  type MessageSigner,
  OrchestrationPurchaseError,
  type PurchaseStepName,
  SignerError,
} from "../../mod.ts";
import { privateKeySigner } from "../../signer/mod.ts";
import { createWallet } from "../../sandbox/mod.ts";
import { type Market, market } from "../_market.ts";

const PRICE_FEED = "svc_x402_price_feed";

function x402Purchase(m: Market, extra: Partial<BuyServiceParams> = {}): BuyServiceParams {
  return {
    session: { pairing: m.pairing, pairingToken: m.token },
    search: { serviceType: "oracle.price-feed" },
    selectQuote: (quotes) => quotes.find((quote) => quote.serviceId === PRICE_FEED),
    input: { pair: "ETH/USD" },
    signer: privateKeySigner(m.agent.privateKey),
    ...extra,
  };
}

Deno.test("buyService() pays an x402 service with a signed authorization and no transaction hash of its own", async () => {
  await using m = await market();
  const steps: PurchaseStepName[] = [];
  const purchase = await buyService(
    m.client,
    x402Purchase(m, { onStep: (step) => void steps.push(step.name) }),
  );
  assert(purchase.status === "confirmed");
  assertEquals(steps, [
    "search",
    "order",
    "x402 payment challenge",
    "x402 signing",
    "x402 payment proof",
    "execute",
    "confirm",
  ]);
  assertEquals(purchase.order.status, "confirmed");
  assertEquals(purchase.order.payment?.defaultRail, "x402");
  // Settled by the platform at execute: released, with the settlement's transaction hash.
  assertEquals(purchase.payment?.status, "released");
  assertEquals(purchase.payment?.rail, "x402");
  assertMatch(purchase.payment?.transactionHash ?? "", /^0x[0-9a-f]{64}$/);
  assertEquals(purchase.payment?.payerAddress?.toLowerCase(), m.agent.address.toLowerCase());
  const { item: stored } = await m.api.getMarketPayment(purchase.order.id);
  assertEquals(stored?.status, "released");
});

Deno.test("buyService() names the x402 signing step and the order when the signer cannot sign typed data", async () => {
  await using m = await market();
  const messageOnly: MessageSigner = {
    address: m.agent.address,
    signMessage: (message) => Promise.resolve(m.agent.signMessage(message)),
  };
  const error = await assertRejects(
    () => buyService(m.client, x402Purchase(m, { signer: messageOnly })),
    OrchestrationPurchaseError,
  );
  assertEquals(error.step, "x402 signing");
  assertInstanceOf(error.cause, SignerError);
  assertMatch(error.message, /failed at 'x402 signing'/);
  const { item: order } = await m.api.getMarketOrder(error.orderId);
  assertEquals(order.serviceId, PRICE_FEED);
  // Nothing was authorized: the intent's challenge is all there is.
  const { item: payment } = await m.api.getMarketPayment(error.orderId);
  assertEquals(payment?.status, "intent_created");
});

Deno.test("buyService() pays x402 from a declared payer key, bound at the challenge and proved by its signature", async () => {
  await using m = await market();
  const treasury = createWallet();
  const purchase = await buyService(
    m.client,
    x402Purchase(m, { signer: privateKeySigner(treasury.privateKey) }),
  );
  assert(purchase.status === "confirmed");
  assertEquals(purchase.payment?.payerAddress?.toLowerCase(), treasury.address.toLowerCase());
  assertEquals(purchase.payment?.status, "released");
});

Deno.test("buyService() fails at the step whose onStep callback throws, after the order exists", async () => {
  await using m = await market();
  const error = await assertRejects(
    () =>
      buyService(
        m.client,
        x402Purchase(m, {
          onStep: (step) => {
            if (step.name === "execute") throw new Error("operator stopped the run");
          },
        }),
      ),
    OrchestrationPurchaseError,
  );
  assertEquals(error.step, "execute");
  const { item: payment } = await m.api.getMarketPayment(error.orderId);
  // Authorized, never settled: execute did not run.
  assertEquals(payment?.status, "held");
});

Deno.test("buyService() confirms and releases a wallet payment that the confirmation left release_pending", async () => {
  await using m = await market();
  const steps: PurchaseStepName[] = [];
  const purchase = await buyService(m.client, {
    session: { pairing: m.pairing, pairingToken: m.token },
    search: { operation: "complete" },
    selectQuote: (quotes) => quotes.find((quote) => quote.payment.defaultRail !== "x402"),
    input: { prompt: "Plan a route" },
    rail: "wallet",
    paymentProof: { transactionHash: `0x${"ab".repeat(32)}`, verificationMode: "recorded" },
    onStep: (step) => void steps.push(step.name),
  });
  assert(purchase.status === "confirmed");
  assertEquals(steps.slice(-3), ["execute", "confirm", "release"]);
  assertEquals(purchase.payment?.status, "released");
  const kept = await buyService(m.client, {
    session: { pairing: m.pairing, pairingToken: m.token },
    search: { operation: "complete" },
    selectQuote: (quotes) => quotes.find((quote) => quote.payment.defaultRail !== "x402"),
    input: { prompt: "Plan another" },
    rail: "wallet",
    paymentProof: { transactionHash: `0x${"cd".repeat(32)}`, verificationMode: "recorded" },
    release: false,
  });
  assert(kept.status === "confirmed");
  assertEquals(kept.payment?.status, "release_pending");
});
