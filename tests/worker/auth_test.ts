// The edge client middleware (`worker/src/auth.ts`) on Deno, through a Hono app in one module
// instance, as one isolate runs it: the per-isolate key table follows `EDGE_CLIENT_KEYS`, and
// the rate limiter's leases spare the Ledger calls far below the limit and count every request
// near it. The Ledger is a stand-in that counts as `Ledger.leaseRate` does; the real one is
// exercised in workerd by `worker_proxy_test.ts`.
import { assert, assertEquals } from "@std/assert";
import { Hono } from "hono";
import { rateLimit, requireClientKey } from "../../worker/src/auth.ts";
import type { AppEnv, Env } from "../../worker/src/env.ts";
import { toErrorResponse } from "../../worker/src/errors.ts";
import type { RateLease } from "../../worker/src/ledger.ts";
import { sha256Hex } from "../_worker.ts";

const app = new Hono<AppEnv>()
  .use("*", requireClientKey, rateLimit)
  .get("/", (c) => c.text(c.get("tenant")))
  .onError((err) => toErrorResponse(err));

/** A Ledger stand-in: one fixed window per instance name, counted as `leaseRate` counts. */
function fakeLedger(delayMs = 0) {
  const counts = new Map<string, number>();
  const calls: string[] = [];
  const namespace = {
    idFromName: (name: string) => name,
    get: (name: unknown) => ({
      async leaseRate(limit: number, spare: number): Promise<RateLease> {
        calls.push(String(name));
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const now = Date.now();
        const windowStart = Math.floor(now / 60_000) * 60_000;
        const count = counts.get(String(name)) ?? 0;
        const left = limit - count;
        const retryAfterSeconds = Math.ceil((windowStart + 60_000 - now) / 1000);
        if (left <= 0) return { granted: 0, windowStart, retryAfterSeconds };
        const granted = 1 + Math.min(spare, Math.floor((left - 1) / 64));
        counts.set(String(name), count + granted);
        return { granted, windowStart, retryAfterSeconds };
      },
    }),
  };
  return { namespace, calls, counts };
}

const env = (vars: Partial<Record<keyof Env, unknown>>) => vars as unknown as Env;

async function send(key: string, vars: Env): Promise<{ status: number; text: string }> {
  const response = await app.request("/", { headers: { authorization: `Bearer ${key}` } }, vars);
  return { status: response.status, text: await response.text() };
}

/** Waits for the next minute when the current one has less than `ms` left. */
async function intoWindow(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

Deno.test("requireClientKey() stops accepting a key as soon as it leaves EDGE_CLIENT_KEYS", async () => {
  const [a, b] = [await sha256Hex("edge_key_a_0123456789"), await sha256Hex("edge_key_b_98765")];
  const both = env({ EDGE_CLIENT_KEYS: `ops=${a},lab=${b}`, RATE_LIMIT_PER_MINUTE: "0" });
  const onlyB = env({ EDGE_CLIENT_KEYS: `lab=${b}`, RATE_LIMIT_PER_MINUTE: "0" });
  assertEquals(await send("edge_key_a_0123456789", both), { status: 200, text: "ops" });
  assertEquals(await send("edge_key_a_0123456789", both), { status: 200, text: "ops" });
  assertEquals((await send("edge_key_a_0123456789", onlyB)).status, 401);
  assertEquals(await send("edge_key_b_98765", onlyB), { status: 200, text: "lab" });
  // Back to the old value: the key is matched again, from its hash.
  assertEquals(await send("edge_key_a_0123456789", both), { status: 200, text: "ops" });
});

Deno.test("requireClientKey() accepts a key added to EDGE_CLIENT_KEYS and follows a new label", async () => {
  const hash = await sha256Hex("edge_key_c_0123456789");
  const without = env({ EDGE_CLIENT_KEYS: "", RATE_LIMIT_PER_MINUTE: "0" });
  assertEquals((await send("edge_key_c_0123456789", without)).status, 401);
  const added = env({ EDGE_CLIENT_KEYS: `fleet=${hash}`, RATE_LIMIT_PER_MINUTE: "0" });
  assertEquals(await send("edge_key_c_0123456789", added), { status: 200, text: "fleet" });
  const relabelled = env({ EDGE_CLIENT_KEYS: `depot=${hash}`, RATE_LIMIT_PER_MINUTE: "0" });
  assertEquals(await send("edge_key_c_0123456789", relabelled), { status: 200, text: "depot" });
});

Deno.test("rateLimit() asks the Ledger once per lease far below the limit and per request near it", async () => {
  await intoWindow(10_000);
  const ledger = fakeLedger();
  const vars = env({
    EDGE_CLIENT_KEYS: `leases=${await sha256Hex("edge_key_leases_012345")}`,
    RATE_LIMIT_PER_MINUTE: "1000",
    LEDGER: ledger.namespace,
  });
  const statuses: number[] = [];
  for (let i = 0; i < 1100; i++) statuses.push((await send("edge_key_leases_012345", vars)).status);
  assertEquals(statuses.filter((s) => s === 200).length, 1000);
  assertEquals(statuses.slice(1000), Array(100).fill(429), "the first 1000 pass, then none");
  // Leases of a 64th of what is left (16 at first), the last 64 requests one by one, then the
  // refusal that every later request of the window is answered from: about 4.6 requests per
  // call, where each request used to make one.
  const calls = ledger.calls.length;
  assert(calls >= 65 && calls <= 250, `${calls} Ledger calls for 1100 requests`);
  const refused = await app.request("/", {
    headers: { authorization: "Bearer edge_key_leases_012345" },
  }, vars);
  assertEquals(refused.status, 429);
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
  assertEquals(ledger.calls.length, calls, "a refused window is not asked again");
});

Deno.test("rateLimit() serves concurrent requests exactly up to the limit with leases", async () => {
  await intoWindow(10_000);
  const ledger = fakeLedger();
  const vars = env({
    EDGE_CLIENT_KEYS: `burst=${await sha256Hex("edge_key_burst_012345")}`,
    RATE_LIMIT_PER_MINUTE: "300",
    LEDGER: ledger.namespace,
  });
  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    statuses.push(
      ...(await Promise.all(
        Array.from({ length: 40 }, async () => (await send("edge_key_burst_012345", vars)).status),
      )),
    );
  }
  assertEquals(statuses.filter((s) => s === 200).length, 300);
  assertEquals(statuses.filter((s) => s === 429).length, 100);
});

Deno.test("rateLimit() serves a tenant far below a high limit with one Ledger call per 64 requests", async () => {
  await intoWindow(10_000);
  const ledger = fakeLedger();
  const vars = env({
    EDGE_CLIENT_KEYS: `bulk=${await sha256Hex("edge_key_bulk_0123456")}`,
    RATE_LIMIT_PER_MINUTE: "100000000",
    LEDGER: ledger.namespace,
  });
  for (let i = 0; i < 640; i++) {
    assertEquals((await send("edge_key_bulk_0123456", vars)).status, 200);
  }
  assertEquals(ledger.calls, Array(10).fill("rate:bulk"));
});

Deno.test("rateLimit() leases spare requests one call at a time when a burst meets a cold isolate", async () => {
  await intoWindow(10_000);
  const ledger = fakeLedger(5);
  const keys = `cold=${await sha256Hex("edge_key_cold_0123456")}`;
  const vars = env({
    EDGE_CLIENT_KEYS: keys,
    RATE_LIMIT_PER_MINUTE: "100000000",
    LEDGER: ledger.namespace,
  });
  // The key is matched once (unlimited), so the burst reaches the limiter all at once.
  const warm = await send(
    "edge_key_cold_0123456",
    env({ EDGE_CLIENT_KEYS: keys, RATE_LIMIT_PER_MINUTE: "0" }),
  );
  assertEquals(warm.status, 200);
  const statuses = await Promise.all(
    Array.from({ length: 40 }, async () => (await send("edge_key_cold_0123456", vars)).status),
  );
  assertEquals(statuses, Array(40).fill(200));
  // Each of the 40 asked for itself; only one of them for spare requests too.
  assertEquals(ledger.calls.length, 40);
  assertEquals(ledger.counts.get("rate:cold"), 40 + 63);
});
