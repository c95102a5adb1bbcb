import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import {
  type MessageSigner,
  OrchestrationValidationError,
  SignerError,
  signX402Payment,
  type X402PaymentRequired,
  type X402PaymentRequirements,
} from "../../mod.ts";
import { privateKeySigner } from "../../signer/mod.ts";
import { verifyX402Payment } from "../../sandbox/x402.ts";
import { challenge, decodeHeader, randomKey } from "../_x402.ts";

const NOW = new Date("2026-11-28T10:00:00Z");
const NOW_SECONDS = NOW.getTime() / 1000;

/** A signer that counts its calls and signs with a real key. */
function countingSigner(): MessageSigner & { calls: number } {
  const inner = privateKeySigner(randomKey());
  const signer = {
    address: inner.address,
    calls: 0,
    signMessage: (message: string) => {
      signer.calls++;
      return inner.signMessage(message);
    },
    signTypedData: (...args: Parameters<typeof inner.signTypedData>) => {
      signer.calls++;
      return inner.signTypedData(...args);
    },
  };
  return signer;
}

/** A challenge or option problem is an OrchestrationValidationError; a signer's, a SignerError. */
async function validationError(
  run: () => Promise<unknown>,
  name: string,
): Promise<OrchestrationValidationError | SignerError> {
  try {
    await run();
  } catch (error) {
    const expected = name.startsWith("signer") ? SignerError : OrchestrationValidationError;
    assertInstanceOf(error, expected, name);
    return error;
  }
  throw new Error(`Expected a rejection: ${name}`);
}

function withOption(patch: Record<string, unknown>): X402PaymentRequired {
  const base = challenge();
  return { ...base, accepts: [{ ...base.accepts[0]!, ...patch } as X402PaymentRequirements] };
}

Deno.test("signX402Payment() signs an EIP-3009 authorization valid from 0 until now + maxTimeoutSeconds", async () => {
  const signer = privateKeySigner(randomKey());
  const paymentRequired = challenge(1.25);
  const header = await signX402Payment(signer, paymentRequired, { now: NOW });
  const payload = decodeHeader(header);
  assertEquals(payload.x402Version, 2);
  assertEquals(Object.keys(payload), ["x402Version", "payload", "resource", "accepted"]);
  assertEquals(Object.keys(payload.payload), ["authorization", "signature"]);
  const { authorization, signature } = payload.payload;
  assertEquals(authorization.from, signer.address);
  assertEquals(authorization.to, paymentRequired.accepts[0]!.payTo);
  assertEquals(authorization.value, "1250000");
  assertEquals(authorization.validAfter, "0");
  assertEquals(authorization.validBefore, String(NOW_SECONDS + 300));
  assertMatch(authorization.nonce, /^0x[0-9a-f]{64}$/);
  assertMatch(signature, /^0x[0-9a-f]{128}(1b|1c)$/);
  assertEquals(payload.accepted, paymentRequired.accepts[0]);
  assertEquals(payload.resource, paymentRequired.resource);
});

Deno.test("signX402Payment() draws a fresh random nonce for every payment", async () => {
  const signer = privateKeySigner(randomKey());
  const nonces = new Set<string>();
  for (let i = 0; i < 20; i++) {
    nonces.add(
      decodeHeader(await signX402Payment(signer, challenge())).payload.authorization.nonce,
    );
  }
  assertEquals(nonces.size, 20);
});

Deno.test("signX402Payment() uses the nonce, clock and picker of its options", async () => {
  const signer = privateKeySigner(randomKey());
  const base = challenge();
  const sepolia = { ...base.accepts[0]!, network: "eip155:84532", amount: "7" };
  const paymentRequired = { ...base, accepts: [base.accepts[0]!, sepolia] };
  const nonce = `0x${"ab".repeat(32)}`;
  const payload = decodeHeader(
    await signX402Payment(signer, paymentRequired, {
      now: NOW_SECONDS,
      nonce,
      accept: (accepts) => accepts.find((option) => option.network === "eip155:84532"),
    }),
  );
  assertEquals(payload.accepted, sepolia);
  assertEquals(payload.payload.authorization.nonce, nonce);
  assertEquals(payload.payload.authorization.value, "7");
  assertEquals(payload.payload.authorization.validBefore, String(NOW_SECONDS + 300));
});

Deno.test("signX402Payment() skips options it cannot pay and pays the first exact EIP-3009 EVM one", async () => {
  const signer = privateKeySigner(randomKey());
  const base = challenge();
  const evm = base.accepts[0]!;
  const paymentRequired: X402PaymentRequired = {
    ...base,
    accepts: [
      { ...evm, network: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp" },
      { ...evm, scheme: "upto" },
      { ...evm, extra: { ...evm.extra, assetTransferMethod: "permit2" } },
      { ...evm, amount: "42" },
    ],
  };
  const payload = decodeHeader(await signX402Payment(signer, paymentRequired));
  assertEquals(payload.payload.authorization.value, "42");
  const result = verifyX402Payment(
    encodeAgain(payload),
    { requirements: paymentRequired.accepts[3]!, payer: signer.address, paymentId: "pay_1" },
    { now: new Date(), usedNonces: new Map() },
  );
  assert(result.ok, result.ok ? "" : result.message);
});

function encodeAgain(value: unknown): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(JSON.stringify(value))) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

Deno.test("signX402Payment() refuses unusable challenges before the signer is asked", async () => {
  const cases: [string, unknown, string][] = [
    ["not an object", null, "paymentRequired"],
    ["x402 version 1", { ...challenge(), x402Version: 1 }, "paymentRequired.x402Version"],
    ["no resource", { ...challenge(), resource: undefined }, "paymentRequired.resource"],
    ["no accepts", { ...challenge(), accepts: [] }, "paymentRequired.accepts"],
    ["accepts not an array", { ...challenge(), accepts: {} }, "paymentRequired.accepts"],
    ["no exact option", withOption({ scheme: "upto" }), "paymentRequired.accepts"],
    ["no EVM option", withOption({ network: "solana:mainnet" }), "paymentRequired.accepts"],
    [
      "permit2 only",
      withOption({ extra: { name: "USD Coin", version: "2", assetTransferMethod: "permit2" } }),
      "paymentRequired.accepts",
    ],
    ["chain id 0", withOption({ network: "eip155:0" }), "paymentRequired.accepts[0].network"],
    ["decimal amount", withOption({ amount: "1.25" }), "paymentRequired.accepts[0].amount"],
    ["number amount", withOption({ amount: 1250000 }), "paymentRequired.accepts[0].amount"],
    ["negative amount", withOption({ amount: "-1" }), "paymentRequired.accepts[0].amount"],
    [
      "amount over uint256",
      withOption({ amount: (1n << 256n).toString() }),
      "paymentRequired.accepts[0].amount",
    ],
    ["short asset", withOption({ asset: "0x1234" }), "paymentRequired.accepts[0].asset"],
    [
      "bad checksum payTo",
      withOption({ payTo: "0x8ba1f109551bD432803012645Ac136ddd64DBA7A" }),
      "paymentRequired.accepts[0].payTo",
    ],
    ["missing payTo", withOption({ payTo: undefined }), "paymentRequired.accepts[0].payTo"],
    [
      "zero timeout (expired window)",
      withOption({ maxTimeoutSeconds: 0 }),
      "paymentRequired.accepts[0].maxTimeoutSeconds",
    ],
    [
      "negative timeout",
      withOption({ maxTimeoutSeconds: -60 }),
      "paymentRequired.accepts[0].maxTimeoutSeconds",
    ],
    [
      "fractional timeout",
      withOption({ maxTimeoutSeconds: 1.5 }),
      "paymentRequired.accepts[0].maxTimeoutSeconds",
    ],
    [
      "no EIP-712 name",
      withOption({ extra: { version: "2" } }),
      "paymentRequired.accepts[0].extra.name",
    ],
    ["no extra", withOption({ extra: undefined }), "paymentRequired.accepts[0].extra.name"],
    [
      "empty EIP-712 version",
      withOption({ extra: { name: "USD Coin", version: "" } }),
      "paymentRequired.accepts[0].extra.version",
    ],
  ];
  for (const [name, paymentRequired, field] of cases) {
    const signer = countingSigner();
    const error = await validationError(
      () => signX402Payment(signer, paymentRequired as X402PaymentRequired),
      name,
    );
    assertEquals(error.field, field, name);
    assertEquals(signer.calls, 0, name);
  }
});

Deno.test("signX402Payment() refuses bad options and signers before signing", async () => {
  const cases: [string, () => Promise<string>, string][] = [
    [
      "short nonce",
      () => signX402Payment(countingSigner(), challenge(), { nonce: "0x12" }),
      "options.nonce",
    ],
    [
      "NaN date",
      () => signX402Payment(countingSigner(), challenge(), { now: new Date(NaN) }),
      "options.now",
    ],
    [
      "negative now",
      () => signX402Payment(countingSigner(), challenge(), { now: -1 }),
      "options.now",
    ],
    [
      "picker not a function",
      () => signX402Payment(countingSigner(), challenge(), { accept: "first" as never }),
      "options.accept",
    ],
    [
      "picker finds nothing",
      () => signX402Payment(countingSigner(), challenge(), { accept: () => undefined }),
      "paymentRequired.accepts",
    ],
    [
      "picker invents an option",
      () => signX402Payment(countingSigner(), challenge(), { accept: (a) => ({ ...a[0]! }) }),
      "paymentRequired.accepts",
    ],
    ["signer without signTypedData", () => {
      const { address, signMessage } = privateKeySigner(randomKey());
      return signX402Payment({ address, signMessage }, challenge());
    }, "signer.signTypedData"],
    [
      "signer with a bad address",
      () => signX402Payment({ ...countingSigner(), address: "0x12" }, challenge()),
      "signer.address",
    ],
  ];
  for (const [name, run, field] of cases) {
    const error = await validationError(run, name);
    assertEquals(error.field, field, name);
  }
});

Deno.test("signX402Payment() never throws synchronously", async () => {
  let promise: Promise<string> | undefined;
  try {
    promise = signX402Payment(null as never, null as never);
  } catch (error) {
    throw new Error(`threw synchronously: ${error}`);
  }
  assertInstanceOf(promise, Promise);
  await assertRejects(() => promise!, OrchestrationValidationError);
});

Deno.test("signX402Payment() refuses a signer's malformed signature without echoing it", async () => {
  const signer = countingSigner();
  const liar = {
    ...signer,
    signTypedData: () => Promise.resolve("0xdeadbeefcafe"),
  };
  const error = await assertRejects(
    () => signX402Payment(liar, challenge()),
    SignerError,
  );
  assertEquals(error.field, "signature");
  assertFalse(error.message.includes("deadbeefcafe"));
});

Deno.test("signX402Payment() does not mutate the challenge and signs the same terms twice differently", async () => {
  const signer = privateKeySigner(randomKey());
  const paymentRequired = challenge();
  const snapshot = structuredClone(paymentRequired);
  const first = await signX402Payment(signer, paymentRequired, { now: NOW });
  const second = await signX402Payment(signer, paymentRequired, { now: NOW });
  assertEquals(paymentRequired, snapshot);
  assertNotEquals(first, second);
  assertStringIncludes(atob(first), '"x402Version":2');
});
