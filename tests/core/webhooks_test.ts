import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertNotMatch,
  assertRejects,
} from "@std/assert";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import {
  OrchestrationError,
  OrchestrationWebhookError,
  signWebhook,
  signWebhookHeaders,
  verifyWebhook,
  type WebhookRefusalReason,
} from "../../mod.ts";

// The example secret of the Standard Webhooks reference suite.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_" + btoa("another-secret-of-24-byte");
const NOW = 1_764_300_000;
const BODY = JSON.stringify({
  type: "order.handoff",
  timestamp: "2026-11-28T03:20:00.000Z",
  data: { order: { id: "ord_1" } },
});

async function headersFor(
  body = BODY,
  options: { id?: string; timestamp?: number; secret?: string } = {},
): Promise<Record<string, string>> {
  return {
    ...(await signWebhookHeaders(
      { body, id: options.id ?? "msg_1", timestamp: options.timestamp ?? NOW },
      options.secret ?? SECRET,
    )),
  };
}

async function refusal(
  promise: Promise<unknown>,
  reason: WebhookRefusalReason,
): Promise<OrchestrationWebhookError> {
  const err = await assertRejects(() => promise, OrchestrationWebhookError);
  assertEquals(err.reason, reason);
  assertInstanceOf(err, OrchestrationError);
  return err;
}

Deno.test("verifyWebhook() accepts a delivery signed by signWebhookHeaders()", async () => {
  const headers = await headersFor();
  const { event } = await verifyWebhook(BODY, headers, SECRET, { now: NOW });
  assertEquals(event.type, "order.handoff");
  assertEquals(event.data.order?.id, "ord_1");
});

Deno.test("verifyWebhook() accepts a Headers instance and a Uint8Array body", async () => {
  const headers = new Headers(await headersFor());
  const { event } = await verifyWebhook(new TextEncoder().encode(BODY), headers, SECRET, {
    now: new Date(NOW * 1000),
  });
  assertEquals(event.type, "order.handoff");
});

Deno.test("verifyWebhook() matches plain-object header names case-insensitively", async () => {
  const signed = await headersFor();
  const headers = {
    "Webhook-Id": signed["webhook-id"],
    "WEBHOOK-TIMESTAMP": signed["webhook-timestamp"],
    "Webhook-Signature": [signed["webhook-signature"]!],
  };
  const { event } = await verifyWebhook(BODY, headers, SECRET, { now: NOW });
  assertEquals(event.type, "order.handoff");
});

Deno.test("verifyWebhook() accepts a bare base64 key and raw key bytes", async () => {
  const bare = SECRET.slice("whsec_".length);
  const raw = Uint8Array.from(atob(bare), (c) => c.charCodeAt(0));
  const headers = await headersFor();
  assertEquals(
    (await verifyWebhook(BODY, headers, bare, { now: NOW })).event.type,
    "order.handoff",
  );
  assertEquals((await verifyWebhook(BODY, headers, raw, { now: NOW })).event.type, "order.handoff");
});

Deno.test("signWebhook() is deterministic and matches signWebhookHeaders()", async () => {
  const a = await signWebhook({ id: "msg_1", timestamp: NOW, body: BODY }, SECRET);
  const b = await signWebhook(
    { id: "msg_1", timestamp: new Date(NOW * 1000 + 999), body: BODY },
    SECRET,
  );
  assertEquals(a, b);
  assertMatch(a, /^v1,[A-Za-z0-9+/]{43}=$/);
  assertEquals((await headersFor())["webhook-signature"], a);
});

Deno.test("signWebhookHeaders() generates a msg_ id and the current timestamp", async () => {
  const before = Math.floor(Date.now() / 1000);
  const headers = await signWebhookHeaders({ body: BODY }, SECRET);
  const after = Math.floor(Date.now() / 1000);
  assertMatch(headers["webhook-id"], /^msg_[0-9a-f]{32}$/);
  const ts = Number(headers["webhook-timestamp"]);
  assert(ts >= before && ts <= after, `timestamp ${ts} outside [${before}, ${after}]`);
  assertEquals((await verifyWebhook(BODY, headers, SECRET)).event.type, "order.handoff");
});

Deno.test("signWebhook() rejects an invalid id, timestamp or secret without throwing synchronously", async () => {
  const bad = [
    () => signWebhook({ id: "", timestamp: NOW, body: BODY }, SECRET),
    () => signWebhook({ id: "msg 1", timestamp: NOW, body: BODY }, SECRET),
    () => signWebhook({ id: "msg_1", timestamp: -1, body: BODY }, SECRET),
    () => signWebhook({ id: "msg_1", timestamp: 1.5, body: BODY }, SECRET),
    () => signWebhook({ id: "msg_1", timestamp: new Date(NaN), body: BODY }, SECRET),
  ];
  for (const call of bad) {
    const promise = call(); // must not throw here
    const error = await assertRejects(() => promise, OrchestrationWebhookError);
    assertEquals(error.reason, "invalid_argument");
  }
  await refusal(
    signWebhook({ id: "msg_1", timestamp: NOW, body: BODY }, "whsec_"),
    "invalid_secret",
  );
  await refusal(
    signWebhook({ id: "msg_1", timestamp: NOW, body: BODY }, "whsec_not base64!"),
    "invalid_secret",
  );
});

Deno.test("verifyWebhook() refuses missing headers and names them", async () => {
  const signed = await headersFor();
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    const headers = { ...signed };
    delete headers[name];
    const err = await refusal(
      verifyWebhook(BODY, headers, SECRET, { now: NOW }),
      "missing_headers",
    );
    assertMatch(err.message, new RegExp(`'${name}'`));
  }
  await refusal(verifyWebhook(BODY, {}, SECRET, { now: NOW }), "missing_headers");
  await refusal(
    verifyWebhook(BODY, { ...signed, "webhook-id": "  " }, SECRET, { now: NOW }),
    "missing_headers",
  );
});

Deno.test("verifyWebhook() refuses a tampered body, id or timestamp", async () => {
  const headers = await headersFor();
  await refusal(verifyWebhook(BODY + " ", headers, SECRET, { now: NOW }), "invalid_signature");
  await refusal(
    verifyWebhook(BODY, { ...headers, "webhook-id": "msg_2" }, SECRET, { now: NOW }),
    "invalid_signature",
  );
  await refusal(
    verifyWebhook(BODY, { ...headers, "webhook-timestamp": String(NOW + 1) }, SECRET, { now: NOW }),
    "invalid_signature",
  );
});

Deno.test("verifyWebhook() refuses the wrong secret, an unknown version and malformed signatures", async () => {
  const headers = await headersFor();
  await refusal(verifyWebhook(BODY, headers, OTHER_SECRET, { now: NOW }), "invalid_signature");
  const mac = headers["webhook-signature"]!.slice(3);
  for (
    const signature of [`v2,${mac}`, mac, `v1,${mac.slice(0, -4)}`, "v1,%%%", "v1,", `v1a,${mac}`]
  ) {
    await refusal(
      verifyWebhook(BODY, { ...headers, "webhook-signature": signature }, SECRET, { now: NOW }),
      "invalid_signature",
    );
  }
});

Deno.test("verifyWebhook() accepts any one valid signature among several (rotation)", async () => {
  const headers = await headersFor();
  const old = await signWebhook({ id: "msg_1", timestamp: NOW, body: BODY }, OTHER_SECRET);
  const mixed = `v1a,abc ${old}  ${headers["webhook-signature"]} v2,xyz`;
  const { event } = await verifyWebhook(BODY, { ...headers, "webhook-signature": mixed }, SECRET, {
    now: NOW,
  });
  assertEquals(event.type, "order.handoff");
  // Both secrets of a rotation verify the same multi-signature header.
  const both = `${old} ${headers["webhook-signature"]}`;
  const viaOld = await verifyWebhook(
    BODY,
    { ...headers, "webhook-signature": both },
    OTHER_SECRET,
    {
      now: NOW,
    },
  );
  assertEquals(viaOld.event.type, "order.handoff");
});

Deno.test("verifyWebhook() accepts timestamps exactly at the tolerance in both directions", async () => {
  for (const offset of [-300, 300, -10, 0]) {
    const headers = await headersFor(BODY, { timestamp: NOW + offset });
    assertEquals(
      (await verifyWebhook(BODY, headers, SECRET, { now: NOW })).event.type,
      "order.handoff",
    );
  }
});

Deno.test("verifyWebhook() refuses timestamps one second past the tolerance", async () => {
  const old = await headersFor(BODY, { timestamp: NOW - 301 });
  const err = await refusal(verifyWebhook(BODY, old, SECRET, { now: NOW }), "timestamp_too_old");
  assertMatch(err.message, /too old/);
  const future = await headersFor(BODY, { timestamp: NOW + 301 });
  await refusal(verifyWebhook(BODY, future, SECRET, { now: NOW }), "timestamp_too_new");
});

Deno.test("verifyWebhook() honours a custom toleranceSeconds", async () => {
  const headers = await headersFor(BODY, { timestamp: NOW - 30 });
  await refusal(
    verifyWebhook(BODY, headers, SECRET, { now: NOW, toleranceSeconds: 29 }),
    "timestamp_too_old",
  );
  const ok = await verifyWebhook(BODY, headers, SECRET, { now: NOW, toleranceSeconds: 30 });
  assertEquals(ok.event.type, "order.handoff");
  const bad = await assertRejects(
    () => verifyWebhook(BODY, headers, SECRET, { toleranceSeconds: -1 }),
    OrchestrationWebhookError,
  );
  assertEquals([bad.reason, bad.message], [
    "invalid_argument",
    "Invalid 'toleranceSeconds': must be a non-negative number",
  ]);
});

Deno.test("verifyWebhook() refuses a timestamp that is not unix seconds", async () => {
  const headers = await headersFor();
  for (const timestamp of ["abc", "1.5", "-5", "2026-11-28T00:00:00Z", "1e9"]) {
    await refusal(
      verifyWebhook(BODY, { ...headers, "webhook-timestamp": timestamp }, SECRET, { now: NOW }),
      "invalid_timestamp",
    );
  }
});

Deno.test("verifyWebhook() refuses a correctly signed body that is not an event", async () => {
  for (
    const body of [
      "not json",
      "[]",
      "null",
      '{"type":"order.created"}',
      '{"type":1,"timestamp":"x","data":{}}',
    ]
  ) {
    const headers = await headersFor(body);
    await refusal(verifyWebhook(body, headers, SECRET, { now: NOW }), "invalid_payload");
  }
  const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
  const signature = await signWebhook({ id: "msg_1", timestamp: NOW, body: "" }, SECRET);
  // A signature over other bytes must fail before the payload is even decoded.
  await refusal(
    verifyWebhook(
      invalidUtf8,
      { "webhook-id": "msg_1", "webhook-timestamp": String(NOW), "webhook-signature": signature },
      SECRET,
      { now: NOW },
    ),
    "invalid_signature",
  );
});

Deno.test("verifyWebhook() returns the delivery's webhook-id and webhook-timestamp with the event", async () => {
  const headers = await headersFor(BODY, { id: "msg_2b7f", timestamp: NOW - 5 });
  const verified = await verifyWebhook(BODY, { ...headers, "webhook-id": " msg_2b7f " }, SECRET, {
    now: NOW,
  });
  assertEquals(verified, {
    id: "msg_2b7f",
    timestamp: new Date((NOW - 5) * 1000),
    event: JSON.parse(BODY),
  });
});

Deno.test("verifyWebhook() narrows data by event type", async () => {
  const order = { id: "ord_1", status: "delivered" };
  const payment = { id: "pay_1", orderId: "ord_1", status: "held", amount: 1.5, currency: "USDT" };
  const sent = [
    { type: "order.created", timestamp: "2026-01-01T00:00:00Z", data: { order } },
    { type: "order.delivered", timestamp: "2026-01-01T00:00:00Z", data: { order, payment } },
    { type: "payment.held", timestamp: "2026-01-01T00:00:00Z", data: { order, payment } },
  ];
  const seen: string[] = [];
  for (const body of sent.map((event) => JSON.stringify(event))) {
    const { event } = await verifyWebhook(body, await headersFor(body), SECRET, { now: NOW });
    // Compiles only if `type` narrows `data`: `payment` is required on payment events.
    if (event.type === "payment.held") seen.push(`${event.type} ${event.data.payment.amount}`);
    else if (event.type === "order.created") seen.push(`${event.type} ${event.data.order.id}`);
    else seen.push(`${event.type} ${event.data.payment?.status}`);
  }
  assertEquals(seen, ["order.created ord_1", "order.delivered held", "payment.held 1.5"]);
});

Deno.test("verifyWebhook() refuses a known event type whose data lacks what the type promises", async () => {
  const order = { id: "ord_1" };
  const payment = { id: "pay_1", orderId: "ord_1" };
  const cases: [string, Record<string, unknown>, string][] = [
    ["order.delivered", {}, "expected 'data.order' to be an object"],
    ["order.delivered", { order: "ord_1" }, "expected 'data.order' to be an object"],
    ["order.delivered", { order: [order] }, "expected 'data.order' to be an object"],
    ["order.delivered", { order, payment: null }, "expected 'data.payment' to be an object"],
    ["order.created", { order, payment }, "expected no 'data.payment'"],
    ["payment.held", { order }, "expected 'data.payment' to be an object"],
    ["payment.released", { payment }, "expected 'data.order' to be an object"],
  ];
  for (const [type, data, detail] of cases) {
    const body = JSON.stringify({ type, timestamp: "2026-01-01T00:00:00Z", data });
    const err = await refusal(
      verifyWebhook(body, await headersFor(body), SECRET, { now: NOW }),
      "invalid_payload",
    );
    assertEquals(
      err.message,
      `Webhook event '${type}' does not carry what its type promises: ${detail}`,
    );
  }
});

Deno.test("verifyWebhook() passes an event type it does not know through unchanged", async () => {
  // A server newer than the SDK may add types; refusing them would make every delivery fail.
  const body = JSON.stringify({
    type: "order.expired",
    timestamp: "2026-01-01T00:00:00Z",
    data: { orderId: "ord_1" },
  });
  const { event } = await verifyWebhook(body, await headersFor(body), SECRET, { now: NOW });
  assertEquals(event, JSON.parse(body));
});

Deno.test("verifyWebhook() refuses an unusable secret", async () => {
  const headers = await headersFor();
  for (const secret of ["", "whsec_", "whsec_@@@", "not base64!"]) {
    await refusal(verifyWebhook(BODY, headers, secret, { now: NOW }), "invalid_secret");
  }
  await refusal(verifyWebhook(BODY, headers, new Uint8Array(), { now: NOW }), "invalid_secret");
});

Deno.test("verifyWebhook() never puts the secret or a signature in its messages", async () => {
  const headers = await headersFor();
  const signature = headers["webhook-signature"]!;
  const errors: Error[] = [];
  const attempts = [
    () => verifyWebhook(BODY, headers, OTHER_SECRET, { now: NOW }),
    () => verifyWebhook(BODY + "x", headers, SECRET, { now: NOW }),
    () => verifyWebhook(BODY, headers, SECRET, { now: NOW + 10_000 }),
    () => verifyWebhook(BODY, { ...headers, "webhook-id": "" }, SECRET, { now: NOW }),
    () => verifyWebhook(BODY, headers, "whsec_@@" + SECRET, { now: NOW }),
  ];
  for (const attempt of attempts) {
    errors.push(await assertRejects(attempt, OrchestrationWebhookError));
  }
  for (const err of errors) {
    const text = `${err.message} ${JSON.stringify(err)} ${Deno.inspect(err)}`;
    for (const secretPart of [SECRET, SECRET.slice(6), OTHER_SECRET.slice(6), signature.slice(3)]) {
      assertNotMatch(text, new RegExp(secretPart.replace(/[+/=]/g, "\\$&")));
    }
  }
});

Deno.test("verifyWebhook() never throws synchronously on garbage arguments", async () => {
  // deno-lint-ignore no-explicit-any
  const untyped = verifyWebhook as (...args: any[]) => Promise<unknown>;
  const calls = [
    () => untyped(undefined, undefined, undefined),
    () => untyped(BODY, null, SECRET),
    () => untyped(42, {}, SECRET),
    () => untyped(BODY, {}, SECRET, { now: "yesterday" }),
  ];
  for (const call of calls) {
    const promise = call();
    assertInstanceOf(promise, Promise);
    await assertRejects(() => promise, OrchestrationError);
  }
});

Deno.test("verifyWebhook() accepts deliveries signed by the standardwebhooks package", async () => {
  const reference = new Webhook(SECRET);
  const now = new Date();
  const signature = reference.sign("msg_ref", now, BODY);
  const headers = {
    "webhook-id": "msg_ref",
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signature,
  };
  assertEquals((await verifyWebhook(BODY, headers, SECRET)).event.type, "order.handoff");
  // And the reference's signature for another secret is refused.
  const foreign = new Webhook(OTHER_SECRET).sign("msg_ref", now, BODY);
  await refusal(
    verifyWebhook(BODY, { ...headers, "webhook-signature": foreign }, SECRET),
    "invalid_signature",
  );
});

Deno.test("standardwebhooks package accepts deliveries signed by signWebhookHeaders()", async () => {
  const headers = await signWebhookHeaders({ body: BODY, id: "msg_ours" }, SECRET);
  const parsed = new Webhook(SECRET).verify(BODY, { ...headers }) as { type: string };
  assertEquals(parsed.type, "order.handoff");
  let refused: unknown;
  try {
    new Webhook(OTHER_SECRET).verify(BODY, { ...headers });
  } catch (err) {
    refused = err;
  }
  assertInstanceOf(refused, WebhookVerificationError);
  // Same bytes either way, for a fixed id and time.
  const when = new Date(NOW * 1000);
  assertEquals(
    await signWebhook({ id: "msg_x", timestamp: when, body: BODY }, SECRET),
    new Webhook(SECRET).sign("msg_x", when, BODY),
  );
});

Deno.test("verifyWebhook() refuses non-canonical base64 spellings of a valid signature, as standardwebhooks does", async () => {
  const headers = await signWebhookHeaders({ body: BODY, id: "msg_spell" }, SECRET);
  const encoded = headers["webhook-signature"].slice(3);
  // An HMAC-SHA256 is 32 bytes: 43 base64 characters and one '=', the last character carrying
  // two unused low bits.
  assertEquals(encoded.length, 44);
  assert(encoded.endsWith("=") && !encoded.endsWith("=="));
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const last = alphabet.indexOf(encoded[42]!);
  const spellings = [
    encoded.slice(0, -1), // padding dropped
    ...[1, 2, 3].map((bits) => `${encoded.slice(0, 42)}${alphabet[last ^ bits]}=`), // unused bits
    `${encoded.slice(0, 42)}${alphabet[last ^ 1]}`, // both
  ];
  const bytes = (text: string) => Array.from(atob(text), (c) => c.charCodeAt(0));
  for (const spelling of spellings) {
    // Each spelling decodes to the very bytes of the valid signature...
    assertEquals(bytes(spelling), bytes(encoded), spelling);
    const respelled = { ...headers, "webhook-signature": `v1,${spelling}` };
    // ...and is refused, here and by the reference library.
    await refusal(verifyWebhook(BODY, respelled, SECRET), "invalid_signature");
    let referenceRefused: unknown;
    try {
      new Webhook(SECRET).verify(BODY, respelled);
    } catch (err) {
      referenceRefused = err;
    }
    assertInstanceOf(referenceRefused, WebhookVerificationError, spelling);
    // Next to the canonical spelling (a rotation header) the delivery is still accepted.
    const both = {
      ...headers,
      "webhook-signature": `v1,${spelling} ${headers["webhook-signature"]}`,
    };
    assertEquals((await verifyWebhook(BODY, both, SECRET)).event.type, "order.handoff");
  }
  assertEquals((await verifyWebhook(BODY, headers, SECRET)).event.type, "order.handoff");
});

Deno.test("verifyWebhook() keys follow the secret when secrets alternate (key cache)", async () => {
  const signedWithSecret = await headersFor();
  const signedWithOther = await headersFor(BODY, { secret: OTHER_SECRET });
  for (let round = 0; round < 3; round++) {
    assertEquals(
      (await verifyWebhook(BODY, signedWithSecret, SECRET, { now: NOW })).event.type,
      "order.handoff",
    );
    await refusal(
      verifyWebhook(BODY, signedWithSecret, OTHER_SECRET, { now: NOW }),
      "invalid_signature",
    );
    assertEquals(
      (await verifyWebhook(BODY, signedWithOther, OTHER_SECRET, { now: NOW })).event.type,
      "order.handoff",
    );
    await refusal(verifyWebhook(BODY, signedWithOther, SECRET, { now: NOW }), "invalid_signature");
  }
});

Deno.test("signatures agree with standardwebhooks on both MAC paths (JavaScript up to 4 KiB, Web Crypto above)", async () => {
  const when = new Date(NOW * 1000);
  // The signed message is "msg_x.<timestamp>." (21 bytes) plus the body: these sizes sit on
  // both sides of the 4,096-byte switch, and one is multi-byte UTF-8.
  for (const size of [4_000, 4_074, 4_075, 4_076, 9_000, 200_000]) {
    const body = JSON.stringify({
      type: "order.created",
      timestamp: "2026-11-28T03:20:00.000Z",
      data: { order: { id: "ord_1", note: "é".repeat(size % 7) + "x".repeat(size - 130) } },
    });
    const reference = new Webhook(SECRET).sign("msg_x", when, body);
    assertEquals(await signWebhook({ id: "msg_x", timestamp: when, body }, SECRET), reference);
    const headers = {
      "webhook-id": "msg_x",
      "webhook-timestamp": String(NOW),
      "webhook-signature": reference,
    };
    const bytes = new TextEncoder().encode(body);
    assertEquals(
      (await verifyWebhook(bytes, headers, SECRET, { now: NOW })).event.type,
      "order.created",
    );
    await refusal(
      verifyWebhook(body.replace("ord_1", "ord_2"), headers, SECRET, { now: NOW }),
      "invalid_signature",
    );
    // Raw key bytes are prepared per call, not cached: both paths take them too.
    const keyBytes = Uint8Array.from(atob(SECRET.slice("whsec_".length)), (c) => c.charCodeAt(0));
    assertEquals((await verifyWebhook(body, headers, keyBytes, { now: NOW })).id, "msg_x");
    assertEquals(await signWebhook({ id: "msg_x", timestamp: when, body }, keyBytes), reference);
  }
});
