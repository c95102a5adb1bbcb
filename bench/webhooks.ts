/**
 * Benchmark 4b, webhook verification throughput on one core: `verifyWebhook()` on a signed
 * `order.delivered` delivery (about 1 KB), one verification at a time, against bare baselines of
 * the same HMAC-SHA256 check and JSON parse: the SDK's own synchronous HMAC (`src/sha256.ts`,
 * key prepared once: the floor of `verifyWebhook`'s path), and Web Crypto's `crypto.subtle.verify`
 * with the key imported once and on every call. Interleaved rounds; `--verifications` per
 * contender (default 20 000).
 *
 * @module
 */
import { hmacKey, hmacSha256 } from "../src/sha256.ts";
import { signWebhookHeaders, verifyWebhook } from "../src/webhooks.ts";
import { consume, emit, interleaved, median, round, setting } from "./_lib.ts";

export type WebhookResult = {
  readonly verifications: number;
  readonly bodyBytes: number;
  readonly verifyWebhookPerSecond: number;
  readonly bareVerifyPerSecond: number;
  readonly bareVerifyWithImportPerSecond: number;
  /** The SDK's synchronous HMAC of the signed bytes plus `JSON.parse`, key prepared once. */
  readonly bareHmacPerSecond: number;
  /** verifyWebhook time ÷ bare synchronous HMAC time. */
  readonly ratioVsHmac: number;
  /** verifyWebhook time ÷ bare verify (key imported once) time. */
  readonly ratio: number;
  /** verifyWebhook time ÷ bare verify with a key import per call. */
  readonly ratioVsImport: number;
};

function deliveredEvent(): string {
  return JSON.stringify({
    type: "order.delivered",
    timestamp: "2026-11-28T10:00:00.000Z",
    data: {
      order: {
        id: "ord_5f0c2a9d1e7b4c3a",
        machineId: "m_9271e08e61b8b45d",
        agentPairingId: "ap_be2b4d7c395e1ca8",
        serviceId: "svc_sim_route",
        quoteId: "qt_9a91206f3173e3dd",
        searchId: "srch_6b8803ea15ebf69f",
        status: "delivered",
        executionMode: "native",
        price: { amount: "12.50", currency: "USDT" },
        payment: { id: "pay_0c1d2e3f4a5b6c7d", status: "held", rail: "escrow" },
        input: { area: "warehouse-7", resolution: "high", notes: "north wing first" },
        result: {
          statusCode: 200,
          body: {
            mapId: "map_88a1",
            tiles: 128,
            coverage: 0.97,
            url: "https://example.test/m/88a1",
          },
        },
        createdAt: "2026-11-28T09:59:00.000Z",
        updatedAt: "2026-11-28T10:00:00.000Z",
        timeline: Array.from({ length: 6 }, (_, i) => ({
          status: ["created", "paid", "executing", "delivered", "held", "notified"][i],
          at: `2026-11-28T09:59:${String(10 * i).padStart(2, "0")}.000Z`,
        })),
      },
    },
  });
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Runs the benchmark and returns its figures. */
export async function measureWebhooks(): Promise<WebhookResult> {
  const verifications = setting("verifications", 20_000);
  const keyBytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = `whsec_${btoa(String.fromCharCode(...keyBytes))}`;
  const body = deliveredEvent();
  const now = new Date();
  const headers = await signWebhookHeaders({ body, id: "msg_bench", timestamp: now }, secret);
  const signature = fromBase64(headers["webhook-signature"].split(",")[1]!);
  const encoder = new TextEncoder();
  const signed: Uint8Array<ArrayBuffer> = encoder.encode(
    `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`,
  );
  const importKey = () =>
    crypto.subtle.importKey(
      "raw",
      fromBase64(secret.slice("whsec_".length)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
  const key = await importKey();
  const pads = hmacKey(fromBase64(secret.slice("whsec_".length)));
  const same = (mac: Uint8Array) => mac.every((byte, i) => byte === signature[i]);

  const result = await interleaved({
    verifyWebhook: async () => {
      const { event } = await verifyWebhook(body, headers, secret);
      consume(event.type);
    },
    bare: async () => {
      if (!(await crypto.subtle.verify("HMAC", key, signature, signed))) throw new Error("Bad");
      consume(JSON.parse(body).type);
    },
    bareHmac: () => {
      if (!same(hmacSha256(pads, [signed]))) throw new Error("Bad");
      consume(JSON.parse(body).type);
      return Promise.resolve();
    },
    bareImport: async () => {
      const perCall = await importKey();
      const data: Uint8Array<ArrayBuffer> = encoder.encode(
        `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`,
      );
      if (!(await crypto.subtle.verify("HMAC", perCall, signature, data))) throw new Error("Bad");
      consume(JSON.parse(body).type);
    },
  }, { calls: verifications, roundSize: 1_000, warmup: 1_000 });
  const perSecond = (samples: number[]) => 1000 / median(samples);
  const ours = median(result.verifyWebhook!.samples);
  return {
    verifications: result.verifyWebhook!.samples.length,
    bodyBytes: encoder.encode(body).byteLength,
    verifyWebhookPerSecond: Math.round(perSecond(result.verifyWebhook!.samples)),
    bareVerifyPerSecond: Math.round(perSecond(result.bare!.samples)),
    bareVerifyWithImportPerSecond: Math.round(perSecond(result.bareImport!.samples)),
    bareHmacPerSecond: Math.round(perSecond(result.bareHmac!.samples)),
    ratioVsHmac: round(ours / median(result.bareHmac!.samples)),
    ratio: round(ours / median(result.bare!.samples)),
    ratioVsImport: round(ours / median(result.bareImport!.samples)),
  };
}

if (import.meta.main) {
  const figures = await measureWebhooks();
  console.log(
    `verifyWebhook (${figures.bodyBytes} B body): ${figures.verifyWebhookPerSecond}/s; bare HMAC ` +
      `${figures.bareHmacPerSecond}/s (ratio ${figures.ratioVsHmac}); bare verify ` +
      `${figures.bareVerifyPerSecond}/s (ratio ${figures.ratio}); bare verify + key import ` +
      `${figures.bareVerifyWithImportPerSecond}/s (ratio ${figures.ratioVsImport})`,
  );
  emit({ webhooks: figures });
}
