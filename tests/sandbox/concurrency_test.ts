/**
 * Concurrency against the real sandbox over HTTP on 127.0.0.1: 200 `createMarketOrder` calls
 * fired at once against a pairing with a daily limit. The accepted spend never exceeds the
 * limit, to the cent, and no order is refused that would still have fit: since spend only
 * grows, every refused order's price plus the final spend must exceed the limit. The server's
 * own order list must agree with what the callers were told.
 *
 * @module
 */
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { OrchestrationApiError } from "../../mod.ts";
import type { ListResponse, MarketOrder } from "../../mod.ts";
import { amountToUnits } from "../../contract/money.ts";
import { ids, market } from "../_market.ts";

/** List prices of the catalogue's fixed-price simulated services, in cents. */
const PRICE_CENTS: Readonly<Record<string, number>> = {
  svc_sim_echo: 0,
  svc_sim_embed: 2,
  svc_sim_complete: 10,
  svc_sim_geocode: 50,
  svc_sim_vision: 75,
  svc_sim_translate: 125,
};
const SERVICES = Object.keys(PRICE_CENTS);

/** A valid input for each service's operation (the sandbox checks it against the manifest). */
const INPUT: Readonly<Record<string, Record<string, unknown>>> = {
  svc_sim_echo: { message: "ping" },
  svc_sim_embed: { text: "hello" },
  svc_sim_complete: { prompt: "Say hi" },
  svc_sim_geocode: { address: "1 Main St" },
  svc_sim_vision: { imageUrl: "https://example.com/a.png" },
  svc_sim_translate: { text: "hello", targetLanguage: "de" },
};

function order(m: Awaited<ReturnType<typeof market>>, serviceId: string) {
  return { ...ids(m), serviceId, input: INPUT[serviceId]! };
}

// Amounts are JSON numbers, converted exactly (via their shortest decimal form) as the sandbox does.
function cents(amount: number): number {
  const units = amountToUnits(amount);
  const centUnits = 10n ** 16n;
  if (units === undefined || units % centUnits !== 0n) {
    throw new Error(`Not a two-decimal amount: ${amount}`);
  }
  return Number(units / centUnits);
}

async function allOrders(
  list: (cursor?: string) => Promise<ListResponse<MarketOrder>>,
): Promise<MarketOrder[]> {
  const out: MarketOrder[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

Deno.test("createMarketOrder() never lets 200 concurrent orders exceed the daily limit, to the cent", async () => {
  const LIMIT = 3.37;
  await using m = await market({}, { dailySpendLimit: LIMIT, currency: "USDT" });
  // Confirm the prices this test relies on are the catalogue's.
  for (const serviceId of SERVICES) {
    const { item } = await m.api.getMarketService(serviceId);
    assertEquals(
      item.pricing.amount === null ? -1 : cents(item.pricing.amount),
      PRICE_CENTS[serviceId],
      serviceId,
    );
  }
  const plan = Array.from({ length: 200 }, (_, i) => SERVICES[(i * 7) % SERVICES.length]!);
  const results = await Promise.allSettled(
    plan.map((serviceId) => m.api.createMarketOrder(order(m, serviceId), m.token)),
  );

  let acceptedCents = 0;
  const accepted: string[] = [];
  const refusedPrices: number[] = [];
  results.forEach((result, i) => {
    const serviceId = plan[i]!;
    if (result.status === "fulfilled") {
      assertEquals(result.value.item.serviceId, serviceId);
      accepted.push(result.value.item.id);
      acceptedCents += PRICE_CENTS[serviceId]!;
    } else {
      const error = result.reason;
      assertInstanceOf(error, OrchestrationApiError);
      assertEquals(
        { code: error.code, statusCode: error.statusCode },
        { code: "AGENT_DAILY_LIMIT_EXCEEDED", statusCode: 403 },
      );
      refusedPrices.push(PRICE_CENTS[serviceId]!);
    }
  });

  const limitCents = cents(LIMIT);
  assert(acceptedCents <= limitCents, `accepted ${acceptedCents} cents over a ${limitCents} limit`);
  assert(refusedPrices.length > 0, "the limit was never reached: the test proves nothing");
  for (const price of refusedPrices) {
    assert(acceptedCents + price > limitCents, `refused an order of ${price} cents that still fit`);
  }
  assertEquals(new Set(accepted).size, accepted.length, "two callers got the same order id");

  // The server's record agrees with what the callers were told.
  const stored = await allOrders((cursor) =>
    m.api.listMarketOrders({ machineId: m.machine.id, limit: 100, ...(cursor ? { cursor } : {}) })
  );
  const live = stored.filter((order) => order.status !== "cancelled" && order.status !== "failed");
  assertEquals(live.map((o) => o.id).sort(), [...accepted].sort());
  assertEquals(live.reduce((sum, o) => sum + PRICE_CENTS[o.serviceId]!, 0), acceptedCents);

  // The next order of any price above the headroom is refused as well.
  const headroom = limitCents - acceptedCents;
  const tooDear = SERVICES.find((s) => PRICE_CENTS[s]! > headroom);
  if (tooDear) {
    const error = await m.api.createMarketOrder(order(m, tooDear), m.token).then(
      () => undefined,
      (e) => e,
    );
    assertInstanceOf(error, OrchestrationApiError);
    assertEquals(error.code, "AGENT_DAILY_LIMIT_EXCEEDED");
  }
});

Deno.test("createMarketOrder() holds the daily limit while concurrent cancellations free budget", async () => {
  const LIMIT = 2;
  await using m = await market({}, { dailySpendLimit: LIMIT, currency: "USDT" });
  // Fill the budget: 4 x 0.50.
  const first = await Promise.all(
    Array.from(
      { length: 4 },
      () => m.api.createMarketOrder(order(m, "svc_sim_geocode"), m.token),
    ),
  );
  // Cancel those four while 100 more orders race in.
  const cancels = first.map(({ item }) => m.api.cancelMarketOrder(item.id, undefined, m.token));
  const creates = Array.from(
    { length: 100 },
    (_, i) =>
      m.api.createMarketOrder(
        order(m, i % 2 === 0 ? "svc_sim_geocode" : "svc_sim_complete"),
        m.token,
      ),
  );
  const [cancelled, created] = await Promise.all([
    Promise.allSettled(cancels),
    Promise.allSettled(creates),
  ]);
  assert(cancelled.every((r) => r.status === "fulfilled"), "a cancellation failed");
  for (const result of created) {
    if (result.status === "rejected") {
      assertInstanceOf(result.reason, OrchestrationApiError);
      assertEquals(result.reason.code, "AGENT_DAILY_LIMIT_EXCEEDED");
    }
  }
  const stored = await allOrders((cursor) =>
    m.api.listMarketOrders({ machineId: m.machine.id, limit: 100, ...(cursor ? { cursor } : {}) })
  );
  const committed = stored.filter((o) => o.status !== "cancelled" && o.status !== "failed")
    .reduce((sum, o) => sum + PRICE_CENTS[o.serviceId]!, 0);
  assert(committed <= cents(LIMIT), `committed ${committed} cents over the limit`);
  assert(committed > 0, "no order got through after the cancellations");
});
