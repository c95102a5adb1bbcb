import {
  assert,
  assertEquals,
  assertFalse,
  assertMatch,
  assertNotEquals,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  signX402Payment,
  type X402PaymentPayload,
  type X402PaymentRequirements,
} from "../../mod.ts";
import { privateKeySigner } from "../../signer/mod.ts";
import {
  settleX402,
  verifyX402Payment,
  X402_MAX_HEADER_LENGTH,
  x402Challenge,
  type X402Expected,
  x402NonceKey,
  type X402RefusalReason,
  type X402Verification,
} from "../../sandbox/x402.ts";
import { challenge, decodeHeader, encodeHeader, randomKey, RESOURCE, USDC_BASE } from "../_x402.ts";

const NOW = new Date("2026-11-28T10:00:00Z");
const NOW_SECONDS = NOW.getTime() / 1000;
const TRANSFER_WITH_AUTHORIZATION = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

const payerKey = randomKey();
const payer = privateKeySigner(payerKey);

function expectedFor(
  requirements: X402PaymentRequirements = challenge().accepts[0]!,
  paymentId = "pay_1",
): X402Expected {
  return { requirements, payer: payer.address, paymentId };
}

function verify(
  header: unknown,
  expected: X402Expected = expectedFor(),
  usedNonces: ReadonlyMap<string, string> = new Map(),
  now: Date = NOW,
): X402Verification {
  return verifyX402Payment(header, expected, { now, usedNonces });
}

function assertRefused(result: X402Verification, reason: X402RefusalReason): void {
  assertFalse(result.ok, `expected a refusal '${reason}'`);
  if (result.ok) return;
  assertEquals(result.reason, reason, result.message);
}

/** A payload for `requirements` whose authorization fields may be overridden before signing. */
async function signedPayload(
  requirements: X402PaymentRequirements,
  overrides: Partial<Record<"from" | "to" | "value" | "validAfter" | "validBefore", string>> = {},
  key = payerKey,
): Promise<X402PaymentPayload> {
  const signer = privateKeySigner(key);
  const authorization = {
    from: signer.address,
    to: requirements.payTo,
    value: requirements.amount,
    validAfter: "0",
    validBefore: String(NOW_SECONDS + 300),
    nonce: `0x${
      Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0"))
        .join("")
    }`,
    ...overrides,
  };
  const signature = await signer.signTypedData(
    {
      name: String(requirements.extra.name),
      version: String(requirements.extra.version),
      chainId: Number(requirements.network.split(":")[1]),
      verifyingContract: requirements.asset as `0x${string}`,
    },
    TRANSFER_WITH_AUTHORIZATION,
    {
      ...authorization,
      value: BigInt(authorization.value),
      validAfter: BigInt(authorization.validAfter),
      validBefore: BigInt(authorization.validBefore),
    },
  );
  return {
    x402Version: 2,
    payload: { authorization, signature },
    resource: RESOURCE,
    accepted: requirements,
  };
}

Deno.test("x402Challenge() prices the order exactly in the token's atomic units", () => {
  const cases: [number, number | undefined, string][] = [
    [1.25, undefined, "1250000"],
    [0.000001, undefined, "1"],
    [12345.678901, undefined, "12345678901"],
    [0, undefined, "0"],
    [0.1, 18, "100000000000000000"],
    [3, 0, "3"],
  ];
  for (const [amount, decimals, expected] of cases) {
    const service = decimals === undefined ? USDC_BASE : { ...USDC_BASE, decimals };
    const paymentRequired = x402Challenge({ service, amount, resource: RESOURCE });
    assertEquals(paymentRequired.accepts[0]!.amount, expected, String(amount));
  }
});

Deno.test("x402Challenge() builds an x402 v2 PaymentRequired with checksummed addresses", () => {
  const paymentRequired = challenge(1.25);
  assertEquals(paymentRequired, {
    x402Version: 2,
    resource: RESOURCE,
    accepts: [{
      scheme: "exact",
      network: "eip155:8453",
      amount: "1250000",
      asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
      payTo: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
      maxTimeoutSeconds: 300,
      extra: { name: "USD Coin", version: "2" },
    }],
  });
});

Deno.test("x402Challenge() refuses amounts finer than the token or not money", () => {
  for (const amount of [0.0000001, -1, NaN, Infinity]) {
    assertThrows(
      () => x402Challenge({ service: USDC_BASE, amount, resource: RESOURCE }),
      RangeError,
    );
  }
});

Deno.test("verifyX402Payment() accepts a payment signed by the intent's payer", async () => {
  const paymentRequired = challenge();
  const header = await signX402Payment(payer, paymentRequired, { now: NOW });
  const result = verify(header);
  assert(result.ok, result.ok ? "" : result.message);
  assertEquals(result.payer, payer.address);
  assertEquals(result.authorization, decodeHeader(header).payload.authorization);
  assertEquals(
    result.nonceKey,
    x402NonceKey("eip155:8453", paymentRequired.accepts[0]!.asset, result.authorization),
  );
  // A payer the intent left open accepts any signer.
  assert(verify(header, { ...expectedFor(), payer: null }).ok);
  // Addresses compare case-insensitively.
  assert(verify(header, { ...expectedFor(), payer: payer.address.toLowerCase() }).ok);
});

Deno.test("verifyX402Payment() refuses a replayed nonce, but lets the same payment present it again", async () => {
  const header = await signX402Payment(payer, challenge(), { now: NOW });
  const first = verify(header);
  assert(first.ok);
  const used = new Map([[first.nonceKey, "pay_1"]]);
  assert(verify(header, expectedFor(undefined, "pay_1"), used).ok, "proof, then execute");
  const replay = verify(header, expectedFor(undefined, "pay_2"), used);
  assertRefused(replay, "nonce_replayed");
  assertEquals(replay.ok ? undefined : [replay.code, replay.status], ["PAYMENT_TX_FAILED", 402]);
});

Deno.test("verifyX402Payment() enforces the validity window on the sandbox clock", async () => {
  const header = await signX402Payment(payer, challenge(), { now: NOW });
  const validBefore = NOW_SECONDS + 300;
  assert(verify(header, undefined, undefined, new Date((validBefore - 6) * 1000)).ok);
  assertRefused(
    verify(header, undefined, undefined, new Date((validBefore - 5) * 1000)),
    "expired",
  );
  assertRefused(
    verify(header, undefined, undefined, new Date((validBefore + 60) * 1000)),
    "expired",
  );
  const requirements = challenge().accepts[0]!;
  const future = await signedPayload(requirements, { validAfter: String(NOW_SECONDS + 60) });
  assertRefused(verify(encodeHeader(future)), "not_yet_valid");
  const started = await signedPayload(requirements, { validAfter: String(NOW_SECONDS) });
  assert(verify(encodeHeader(started)).ok);
});

Deno.test("verifyX402Payment() refuses payments that do not pay what was asked", async () => {
  const asked = challenge(1.25).accepts[0]!;
  const cases: [string, Promise<string>, X402RefusalReason][] = [
    ["underpaying", signX402Payment(payer, challenge(1.24), { now: NOW }), "amount_mismatch"],
    ["overpaying", signX402Payment(payer, challenge(1.26), { now: NOW }), "amount_mismatch"],
    [
      "wrong asset",
      signX402Payment(
        payer,
        challenge(1.25, { ...USDC_BASE, asset: "0xfde4c96c8593536e31f229ea8f37b2ada2699bb2" }),
        { now: NOW },
      ),
      "asset_mismatch",
    ],
    [
      "wrong network",
      signX402Payment(payer, challenge(1.25, { ...USDC_BASE, network: "eip155:84532" }), {
        now: NOW,
      }),
      "network_mismatch",
    ],
    [
      "wrong payTo",
      signX402Payment(
        payer,
        challenge(1.25, { ...USDC_BASE, payTo: "0x000000000000000000000000000000000000dead" }),
        { now: NOW },
      ),
      "recipient_mismatch",
    ],
    [
      "wrong payer",
      signX402Payment(privateKeySigner(randomKey()), challenge(1.25), { now: NOW }),
      "payer_mismatch",
    ],
    [
      "authorization to someone else under the right 'accepted'",
      signedPayload(asked, { to: "0x000000000000000000000000000000000000dEaD" }).then(encodeHeader),
      "recipient_mismatch",
    ],
    [
      "authorization for less under the right 'accepted'",
      signedPayload(asked, { value: "1" }).then(encodeHeader),
      "amount_mismatch",
    ],
    [
      "another scheme",
      signX402Payment(payer, challenge(), { now: NOW }).then((header) => {
        const payload = decodeHeader(header);
        return encodeHeader({ ...payload, accepted: { ...payload.accepted, scheme: "upto" } });
      }),
      "scheme_mismatch",
    ],
  ];
  for (const [name, header, reason] of cases) {
    const result = verify(await header, expectedFor(asked));
    assertRefused(result, reason);
    assertEquals(result.ok ? undefined : result.code, "PAYMENT_TX_FAILED", name);
  }
});

Deno.test("verifyX402Payment() refuses signatures that do not recover to 'from'", async () => {
  const requirements = challenge().accepts[0]!;
  const good = await signedPayload(requirements);
  const { signature } = good.payload;
  const tampered: [string, X402PaymentPayload][] = [
    ["validBefore extended after signing", {
      ...good,
      payload: {
        ...good.payload,
        authorization: {
          ...good.payload.authorization,
          from: payer.address,
          validBefore: String(NOW_SECONDS + 301),
        },
      },
    }],
    ["signature from another key", {
      ...good,
      payload: {
        ...good.payload,
        signature: (await signedPayload(requirements, {}, randomKey())).payload.signature,
      },
    }],
    ["r zeroed", {
      ...good,
      payload: { ...good.payload, signature: `0x${"00".repeat(32)}${signature.slice(66)}` },
    }],
    ["v out of range", {
      ...good,
      payload: { ...good.payload, signature: `${signature.slice(0, 130)}1d` },
    }],
    ["short signature", {
      ...good,
      payload: { ...good.payload, signature: signature.slice(0, 100) },
    }],
    ["not hex", { ...good, payload: { ...good.payload, signature: "0x" + "zz".repeat(65) } }],
    ["smart-wallet style long signature", {
      ...good,
      payload: { ...good.payload, signature: signature + "00".repeat(40) },
    }],
    ["high-s twin", { ...good, payload: { ...good.payload, signature: highSTwin(signature) } }],
  ];
  assert(verify(encodeHeader(good)).ok);
  for (const [name, payload] of tampered) {
    const result = verify(encodeHeader(payload));
    assertRefused(result, "invalid_signature");
    assertFalse(
      !result.ok && result.message.includes(signature.slice(2, 20)),
      `${name}: the message repeats the signature`,
    );
  }
});

/** The malleable twin (r, n - s, v ^ 1) of a signature: it recovers to the same address. */
function highSTwin(signature: string): string {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = parseInt(signature.slice(130), 16);
  const twin = secp256k1.Point.CURVE().n - s;
  return `${signature.slice(0, 66)}${twin.toString(16).padStart(64, "0")}${
    (v === 27 ? 28 : 27).toString(16)
  }`;
}

Deno.test("verifyX402Payment() refuses malformed headers with a reason, never a throw", () => {
  const valid = {
    x402Version: 2,
    payload: { authorization: {}, signature: "0x" },
    accepted: {},
  };
  const cases: [string, unknown, X402RefusalReason, number][] = [
    ["no header", undefined, "missing", 402],
    ["empty header", "", "missing", 402],
    ["not a string", 42, "malformed", 400],
    ["not base64", "not base64!", "malformed", 400],
    ["bad padding", "YWJj=", "malformed", 400],
    ["base64 of non-JSON", btoa("hello"), "malformed", 400],
    ["base64 of invalid UTF-8", btoa("\xff\xfe{}"), "malformed", 400],
    ["JSON array", encodeHeader([1, 2]), "invalid_payload", 400],
    ["JSON null", encodeHeader(null), "invalid_payload", 400],
    ["an empty object", encodeHeader({}), "invalid_payload", 400],
    ["fields missing", encodeHeader(valid), "invalid_payload", 400],
    ["over 8 KiB", "A".repeat(X402_MAX_HEADER_LENGTH + 4), "too_large", 400],
  ];
  for (const [name, header, reason, status] of cases) {
    const result = verify(header);
    assertRefused(result, reason);
    assertEquals(result.ok ? undefined : result.status, status, name);
  }
});

Deno.test("verifyX402Payment() refuses other x402 versions and oversized valid-looking payloads", async () => {
  const payload = decodeHeader(await signX402Payment(payer, challenge(), { now: NOW }));
  assertRefused(verify(encodeHeader({ ...payload, x402Version: 1 })), "unsupported_version");
  const padded = { ...payload, extensions: { padding: "x".repeat(X402_MAX_HEADER_LENGTH) } };
  assertRefused(verify(encodeHeader(padded)), "too_large");
  const uint = { ...payload.payload.authorization, value: (1n << 256n).toString() };
  assertRefused(
    verify(encodeHeader({ ...payload, payload: { ...payload.payload, authorization: uint } })),
    "invalid_payload",
  );
});

Deno.test("verifyX402Payment() never throws on arbitrary input", async () => {
  const payload = decodeHeader(await signX402Payment(payer, challenge(), { now: NOW }));
  const check = (header: unknown) => {
    const result = verify(header);
    assertFalse(result.ok);
  };
  fc.assert(fc.property(fc.string(), check), { numRuns: 300 });
  fc.assert(fc.property(fc.base64String(), check), { numRuns: 300 });
  fc.assert(fc.property(fc.jsonValue(), (value) => check(encodeHeader(value))), { numRuns: 300 });
  // A valid payload with one field replaced by any JSON value.
  const paths = [
    ["x402Version"],
    ["accepted", "network"],
    ["accepted", "asset"],
    ["accepted", "extra"],
    ["payload", "signature"],
    ["payload", "authorization", "from"],
    ["payload", "authorization", "value"],
    ["payload", "authorization", "nonce"],
    ["payload", "authorization", "validBefore"],
  ];
  fc.assert(
    fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
      const copy = structuredClone(payload) as unknown as Record<string, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path.at(-1)!] = value;
      const result = verify(encodeHeader(copy));
      // The only mutation that can pass is one that changes nothing signed: the signature is
      // checked under the expected domain, so a rewritten 'accepted.extra' is harmless.
      if (result.ok && path.at(-1) !== "extra") assertEquals(copy, payload as unknown);
    }),
    { numRuns: 500 },
  );
});

Deno.test("settleX402() derives a stable transaction hash per authorization", async () => {
  const header = await signX402Payment(payer, challenge(), { now: NOW });
  const result = verify(header);
  assert(result.ok);
  const settlement = settleX402(result.payload);
  assertMatch(settlement.transactionHash, /^0x[0-9a-f]{64}$/);
  assertEquals(settleX402(decodeHeader(header)), settlement);
  assertEquals(settlement.payer, payer.address);
  assertEquals(settlement.amount, "1250000");
  assertEquals(settlement.network, "eip155:8453");
  assertEquals(settlement.payTo, challenge().accepts[0]!.payTo);
  const other = await signX402Payment(payer, challenge(), { now: NOW });
  assertNotEquals(settleX402(decodeHeader(other)).transactionHash, settlement.transactionHash);
});
