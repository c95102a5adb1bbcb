/**
 * Property tests of `verifyWebhook`: a delivery signed with `signWebhookHeaders` verifies and
 * returns its event; any change to the body bytes, the id, the timestamp or the signature's
 * bytes — alone or together, or a different secret — is refused with an
 * `OrchestrationWebhookError`, never a bare error, and nothing refused carries the secret or
 * the valid signature in its message.
 *
 * "Change" is measured on what travels: body bytes (a string is sent as UTF-8), header values
 * after HTTP's own trimming of surrounding whitespace, and the signature as spelled (only the
 * canonical base64 spelling is a valid signature). Other base64 spellings of the same bytes are
 * covered by their own property below.
 *
 * Knobs: `FUZZ_RUNS`, `FUZZ_SEED` (see `tests/_fuzz.ts`).
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { OrchestrationWebhookError, signWebhookHeaders, verifyWebhook } from "../../mod.ts";
import type { WebhookHeaders } from "../../mod.ts";
import { fuzzParams } from "../_fuzz.ts";

const NOW = 1_790_000_000;
const TOLERANCE = 300;
const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

const secretBytes = fc.uint8Array({ minLength: 16, maxLength: 64 });
const idArb = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
  minLength: 1,
  maxLength: 40,
}).map((s) => `msg_${s}`);

// Each type with its `data.payment`, as `WebhookEventDataByType` says (`data.order` is on all).
const PAYMENT = {
  "order.created": "absent",
  "order.delivered": "optional",
  "order.handoff": "optional",
  "payment.held": "required",
} as const;
const TYPES = Object.keys(PAYMENT) as (keyof typeof PAYMENT)[];
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
});
const eventBody = fc.constantFrom(...TYPES).chain((type) =>
  fc.record({
    type: fc.constant(type),
    timestamp: fc.constant("2026-09-21T10:00:00.000Z"),
    data: PAYMENT[type] === "absent"
      ? fc.record({ order: jsonObject })
      : fc.record({ order: jsonObject, payment: jsonObject }, {
        requiredKeys: PAYMENT[type] === "required" ? ["order", "payment"] : ["order"],
      }),
  })
).map((event) => JSON.stringify(event));

const delivery = fc.record({
  secret: secretBytes,
  id: idArb,
  timestamp: fc.integer({ min: NOW - TOLERANCE, max: NOW + TOLERANCE }),
  body: eventBody,
  whsec: fc.boolean(),
});

type Delivery = typeof delivery extends fc.Arbitrary<infer T> ? T : never;

function secretOf(d: Delivery): string | Uint8Array {
  return d.whsec ? `whsec_${toBase64(d.secret)}` : d.secret;
}

async function sign(d: Delivery): Promise<WebhookHeaders> {
  return await signWebhookHeaders({ body: d.body, id: d.id, timestamp: d.timestamp }, secretOf(d));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

// ---- Mutations ----

type Mutation =
  | {
    readonly kind: "body";
    readonly op: "flip" | "insert" | "delete" | "truncate" | "append";
    readonly at: number;
    readonly byte: number;
  }
  | { readonly kind: "id"; readonly value: string }
  | { readonly kind: "timestamp"; readonly value: string }
  | {
    readonly kind: "signature";
    readonly op: "char" | "version" | "prefix" | "truncate" | "other-secret" | "replace";
    readonly at: number;
    readonly text: string;
  }
  | { readonly kind: "secret"; readonly bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("body" as const),
    op: fc.constantFrom(
      "flip" as const,
      "insert" as const,
      "delete" as const,
      "truncate" as const,
      "append" as const,
    ),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("id" as const),
    value: fc.oneof(
      idArb,
      fc.string({ maxLength: 20 }),
      fc.string({ unit: "binary", maxLength: 10 }),
    ),
  }),
  fc.record({
    kind: fc.constant("timestamp" as const),
    value: fc.oneof(
      fc.integer({ min: NOW - 2 * TOLERANCE, max: NOW + 2 * TOLERANCE }).map(String),
      fc.integer({ min: NOW - TOLERANCE, max: NOW + TOLERANCE }).map((t) => `0${t}`),
      fc.constantFrom("", "abc", "-1", "1e9", `${NOW}.0`, `+${NOW}`, "99999999999999", " "),
      fc.string({ maxLength: 12 }),
    ),
  }),
  fc.record({
    kind: fc.constant("signature" as const),
    op: fc.constantFrom(
      "char" as const,
      "version" as const,
      "prefix" as const,
      "truncate" as const,
      "other-secret" as const,
      "replace" as const,
    ),
    at: fc.nat(),
    text: fc.string({ maxLength: 50 }),
  }),
  fc.record({ kind: fc.constant("secret" as const), bytes: secretBytes }),
);

type Sent = { body: Uint8Array; headers: Record<string, string>; secret: string | Uint8Array };

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

async function apply(d: Delivery, headers: WebhookHeaders, m: Mutation, sent: Sent): Promise<void> {
  switch (m.kind) {
    case "body": {
      const bytes = [...sent.body];
      const at = bytes.length === 0 ? 0 : m.at % bytes.length;
      if (m.op === "flip" && bytes.length > 0) bytes[at] = bytes[at]! ^ (m.byte || 1);
      else if (m.op === "insert") bytes.splice(at, 0, m.byte);
      else if (m.op === "delete" && bytes.length > 0) bytes.splice(at, 1);
      else if (m.op === "truncate") bytes.length = at;
      else bytes.push(m.byte);
      sent.body = new Uint8Array(bytes);
      return;
    }
    case "id":
      sent.headers["webhook-id"] = m.value;
      return;
    case "timestamp":
      sent.headers["webhook-timestamp"] = m.value;
      return;
    case "secret":
      sent.secret = m.bytes;
      return;
    case "signature": {
      const signature = sent.headers["webhook-signature"]!;
      if (m.op === "char") {
        const i = 3 + (m.at % (signature.length - 3));
        const current = signature[i]!;
        const replacement = B64[(B64.indexOf(current) + 1 + (m.at % 63)) % 64]!;
        sent.headers["webhook-signature"] = `${signature.slice(0, i)}${replacement}${
          signature.slice(i + 1)
        }`;
      } else if (m.op === "version") {
        sent.headers["webhook-signature"] = signature.replace(/^v1,/, `v${2 + (m.at % 8)},`);
      } else if (m.op === "prefix") {
        sent.headers["webhook-signature"] = signature.slice(3);
      } else if (m.op === "truncate") {
        sent.headers["webhook-signature"] = signature.slice(0, m.at % signature.length);
      } else if (m.op === "other-secret") {
        const other = await signWebhookHeaders(
          { body: d.body, id: headers["webhook-id"], timestamp: d.timestamp },
          new Uint8Array([...d.secret, m.at % 256]),
        );
        sent.headers["webhook-signature"] = other["webhook-signature"];
      } else {
        sent.headers["webhook-signature"] = m.text;
      }
      return;
    }
  }
}

/** Whether the mutated delivery still says exactly what was signed. */
function unchanged(d: Delivery, headers: WebhookHeaders, sent: Sent): boolean {
  const sameSecret = sent.secret === secretOf(d);
  return sameSecret && sameBytes(sent.body, encoder.encode(d.body)) &&
    sent.headers["webhook-id"]!.trim() === headers["webhook-id"] &&
    sent.headers["webhook-timestamp"]!.trim() === headers["webhook-timestamp"] &&
    sent.headers["webhook-signature"]!.trim().split(" ").includes(headers["webhook-signature"]);
}

Deno.test("verifyWebhook() accepts a signed delivery and returns its id, timestamp and event", async () => {
  await fc.assert(
    fc.asyncProperty(delivery, fc.boolean(), async (d, asHeaders) => {
      const headers = await sign(d);
      const input = asHeaders ? new Headers(headers) : { ...headers };
      const verified = await verifyWebhook(d.body, input, secretOf(d), { now: NOW });
      assertEquals(verified, {
        id: d.id,
        timestamp: new Date(d.timestamp * 1000),
        event: JSON.parse(d.body),
      });
      const bytes = await verifyWebhook(encoder.encode(d.body), input, secretOf(d), { now: NOW });
      assertEquals(bytes, verified);
    }),
    fuzzParams(300),
  );
});

Deno.test("verifyWebhook() refuses any change to body, id, timestamp, signature or secret", async () => {
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(
      delivery,
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      async (d, mutations, asHeaders) => {
        const headers = await sign(d);
        const sent: Sent = {
          body: encoder.encode(d.body),
          headers: { ...headers },
          secret: secretOf(d),
        };
        for (const m of mutations) await apply(d, headers, m, sent);
        if (unchanged(d, headers, sent)) return; // the mutations cancelled out
        const input = asHeaders ? new Headers() : sent.headers;
        if (input instanceof Headers) {
          try {
            for (const [name, value] of Object.entries(sent.headers)) input.set(name, value);
          } catch {
            return; // not a valid header value: cannot be delivered over HTTP at all
          }
        }
        let error: unknown;
        try {
          await verifyWebhook(sent.body, input, sent.secret, {
            now: NOW,
            toleranceSeconds: TOLERANCE,
          });
        } catch (caught) {
          error = caught;
        }
        assert(error !== undefined, `accepted a changed delivery: ${JSON.stringify(mutations)}`);
        assertInstanceOf(error, OrchestrationWebhookError);
        const text = `${error.message}\n${error.stack}\n${Deno.inspect(error)}`;
        assert(!text.includes(headers["webhook-signature"].slice(3)), "the valid signature leaked");
        assert(!text.includes(toBase64(d.secret)), "the secret leaked");
        refused++;
      },
    ),
    fuzzParams(2_000),
  );
  assert(refused > 0);
});

Deno.test("verifyWebhook() accepts only the canonical base64 spelling of the signature", async () => {
  // atob accepts missing padding and non-zero trailing bits; the property pins down that a
  // respelling is accepted exactly when it is the canonical spelling itself, even when it
  // decodes to the signed bytes (as the reference Standard Webhooks libraries do).
  await fc.assert(
    fc.asyncProperty(
      delivery,
      fc.integer({ min: 0, max: 63 }),
      fc.boolean(),
      async (d, last, dropPad) => {
        const headers = await sign(d);
        const encoded = headers["webhook-signature"].slice(3);
        const core = encoded.replace(/=+$/, "");
        const respelled = `${core.slice(0, -1)}${B64[last]}${
          dropPad ? "" : encoded.slice(core.length)
        }`;
        const same = respelled === encoded;
        let accepted = true;
        try {
          await verifyWebhook(
            d.body,
            { ...headers, "webhook-signature": `v1,${respelled}` },
            secretOf(d),
            {
              now: NOW,
            },
          );
        } catch (error) {
          assertInstanceOf(error, OrchestrationWebhookError);
          accepted = false;
        }
        assertEquals(accepted, same, `spelling ${respelled}`);
      },
    ),
    fuzzParams(300),
  );
});

Deno.test("verifyWebhook() refuses arbitrary headers and bodies with OrchestrationWebhookError only", async () => {
  const secret = `whsec_${toBase64(new Uint8Array(32).fill(7))}`;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 })),
      fc.dictionary(
        fc.constantFrom("webhook-id", "webhook-timestamp", "webhook-signature", "Webhook-Id", "x"),
        fc.oneof(fc.string({ maxLength: 40 }), fc.constant(String(NOW)), fc.constant("v1,AAAA")),
      ),
      async (body, headers) => {
        try {
          await verifyWebhook(body, headers, secret, { now: NOW });
        } catch (error) {
          assertInstanceOf(error, OrchestrationWebhookError);
          return;
        }
        throw new Error("accepted an unsigned delivery");
      },
    ),
    fuzzParams(1_000),
  );
});
