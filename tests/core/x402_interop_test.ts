import { assert, assertEquals, assertFalse } from "@std/assert";
import { x402Client } from "@x402/core/client";
import { decodePaymentSignatureHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequired, PaymentRequirements } from "@x402/core/types";
import { authorizationTypes, type FacilitatorEvmSigner, verifyTypedDataSignature } from "@x402/evm";
import { ExactEvmScheme as ExactEvmClient } from "@x402/evm/exact/client";
import { ExactEvmScheme as ExactEvmFacilitator } from "@x402/evm/exact/facilitator";
import { verifyTypedData as ethersVerifyTypedData, Wallet } from "ethers";
import { verifyTypedData as viemVerifyTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type Signer, signX402Payment, type X402PaymentRequired } from "../../mod.ts";
import { privateKeySigner } from "../../signer/mod.ts";
import { verifyX402Payment } from "../../sandbox/x402.ts";
import { challenge, decodeHeader, randomKey } from "../_x402.ts";

const NOW_MS = Date.UTC(2026, 10, 28, 10, 0, 0);
const NONCE_BYTE = 0x5a;
const NONCE = `0x${"5a".repeat(32)}`;

function official(
  key: `0x${string}`,
): { client: x402Client; account: ReturnType<typeof privateKeyToAccount> } {
  const account = privateKeyToAccount(key);
  // Spend controls off: the default $1 cap of @x402/core would filter out a 1.25 USDC option.
  const client = new x402Client().register("eip155:*", new ExactEvmClient(account))
    .setSpendControls(false);
  return { client, account };
}

function asOfficial(paymentRequired: X402PaymentRequired): PaymentRequired {
  return structuredClone(paymentRequired) as PaymentRequired;
}

/** Runs `fn` with the clock at NOW_MS and getRandomValues filling NONCE_BYTE: the official client
 * reads both directly, so this is how its output becomes reproducible. */
async function frozen<T>(fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  const realRandom = crypto.getRandomValues;
  Date.now = () => NOW_MS;
  crypto.getRandomValues = (<A extends ArrayBufferView | null>(array: A): A => {
    if (array) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(NONCE_BYTE);
    return array;
  }) as typeof crypto.getRandomValues;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
    crypto.getRandomValues = realRandom;
  }
}

/** A facilitator signer for an EOA payer and a deployed token, with no chain behind it: the
 * transfer simulation succeeds, so only the payload itself decides. */
function offlineFacilitatorSigner(asset: string): FacilitatorEvmSigner {
  const stub = {
    getAddresses: () => [],
    getCode: ({ address }: { address: string }) =>
      Promise.resolve(address.toLowerCase() === asset.toLowerCase() ? "0x6080" : "0x"),
    readContract: () => Promise.resolve(undefined),
  };
  return stub as unknown as FacilitatorEvmSigner;
}

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]);
  }
  return typeof value;
}

function typedDataOf(payload: PaymentPayload) {
  const { authorization } = payload.payload as {
    authorization: Record<"from" | "to" | "value" | "validAfter" | "validBefore" | "nonce", string>;
  };
  return {
    domain: {
      name: String(payload.accepted.extra.name),
      version: String(payload.accepted.extra.version),
      chainId: Number(payload.accepted.network.split(":")[1]),
      verifyingContract: payload.accepted.asset as `0x${string}`,
    },
    types: authorizationTypes,
    primaryType: "TransferWithAuthorization" as const,
    message: {
      from: authorization.from as `0x${string}`,
      to: authorization.to as `0x${string}`,
      value: BigInt(authorization.value),
      validAfter: BigInt(authorization.validAfter),
      validBefore: BigInt(authorization.validBefore),
      nonce: authorization.nonce as `0x${string}`,
    },
  };
}

function signersOf(key: `0x${string}`): [string, Signer][] {
  return [
    ["viem account", privateKeyToAccount(key)],
    ["ethers Wallet", new Wallet(key)],
    ["privateKeySigner", privateKeySigner(key)],
  ];
}

Deno.test("verifyX402Payment() accepts a payload of @x402/core with @x402/evm for a viem account as it is", async () => {
  for (const amount of [1.25, 0.000001, 250]) {
    const { client, account } = official(randomKey());
    const paymentRequired = challenge(amount);
    const header = encodePaymentSignatureHeader(
      await client.createPaymentPayload(asOfficial(paymentRequired)),
    );
    const result = verifyX402Payment(
      header,
      { requirements: paymentRequired.accepts[0]!, payer: account.address, paymentId: "pay_1" },
      { now: new Date(), usedNonces: new Map() },
    );
    assert(result.ok, result.ok ? "" : result.message);
    assertEquals(result.payer, account.address);
  }
});

Deno.test("signX402Payment() writes the official client's header byte for byte at the same clock and nonce", async () => {
  const key = randomKey();
  const checksummed = challenge();
  // The official client checksums `to` and the domain's `verifyingContract`; so must we.
  const lowercase: X402PaymentRequired = {
    ...checksummed,
    accepts: [{
      ...checksummed.accepts[0]!,
      asset: checksummed.accepts[0]!.asset.toLowerCase(),
      payTo: checksummed.accepts[0]!.payTo.toLowerCase(),
    }],
  };
  for (const paymentRequired of [checksummed, lowercase]) {
    const { client } = official(key);
    const theirs = await frozen(() => client.createPaymentPayload(asOfficial(paymentRequired)));
    const theirHeader = encodePaymentSignatureHeader(theirs);
    for (const [name, signer] of signersOf(key)) {
      const ours = await signX402Payment(signer, paymentRequired, {
        now: new Date(NOW_MS),
        nonce: NONCE,
      });
      assertEquals(ours, theirHeader, name);
    }
  }
});

Deno.test("signX402Payment() writes the official client's header with the challenge's extensions", async () => {
  const key = randomKey();
  const paymentRequired = {
    ...challenge(),
    extensions: { bazaar: { info: { note: "ünïcödé ✓" } } },
  };
  const theirs = await frozen(() =>
    official(key).client.createPaymentPayload(asOfficial(paymentRequired))
  );
  const ours = await signX402Payment(privateKeySigner(key), paymentRequired, {
    now: new Date(NOW_MS),
    nonce: NONCE,
  });
  assertEquals(ours, encodePaymentSignatureHeader(theirs));
  assertEquals(decodeHeader(ours).extensions, paymentRequired.extensions);
});

Deno.test("signX402Payment() payloads decode like the official ones: same keys, same types", async () => {
  const key = randomKey();
  const paymentRequired = challenge(0.5);
  // What goes over the wire is JSON: the official object's `extensions: undefined` is not sent.
  const theirs = JSON.parse(JSON.stringify(
    await official(key).client.createPaymentPayload(asOfficial(paymentRequired)),
  ));
  for (const [name, signer] of signersOf(key)) {
    const ours = decodePaymentSignatureHeader(await signX402Payment(signer, paymentRequired));
    assertEquals(shapeOf(ours), shapeOf(theirs), name);
    assertEquals(ours.accepted, theirs.accepted, name);
    assertEquals(ours.resource, theirs.resource, name);
  }
});

Deno.test("signX402Payment() payloads pass @x402/evm's facilitator verification and its signature check", async () => {
  const key = randomKey();
  const paymentRequired = challenge();
  const requirements = paymentRequired.accepts[0]! as PaymentRequirements;
  const facilitatorSigner = offlineFacilitatorSigner(requirements.asset);
  const facilitator = new ExactEvmFacilitator(facilitatorSigner);
  for (const [name, signer] of signersOf(key)) {
    const payload = decodePaymentSignatureHeader(await signX402Payment(signer, paymentRequired));
    const verdict = await facilitator.verify(payload, requirements);
    assert(verdict.isValid, `${name}: ${verdict.invalidReason} ${verdict.invalidMessage ?? ""}`);
    const typed = typedDataOf(payload);
    const signature = (payload.payload as { signature: `0x${string}` }).signature;
    assert(
      await verifyTypedDataSignature(facilitatorSigner, {
        address: typed.message.from,
        ...typed,
        signature,
      }),
      name,
    );
    assert(await viemVerifyTypedData({ address: typed.message.from, ...typed, signature }), name);
    const recovered = ethersVerifyTypedData(
      typed.domain,
      { TransferWithAuthorization: [...typed.types.TransferWithAuthorization] },
      typed.message,
      signature,
    );
    assertEquals(recovered, typed.message.from, name);
  }
});

Deno.test("@x402/evm's facilitator refuses a signX402Payment() payload once tampered (the check is real)", async () => {
  const paymentRequired = challenge();
  const requirements = paymentRequired.accepts[0]! as PaymentRequirements;
  const facilitator = new ExactEvmFacilitator(offlineFacilitatorSigner(requirements.asset));
  const payload = decodePaymentSignatureHeader(
    await signX402Payment(privateKeySigner(randomKey()), paymentRequired),
  );
  const inner = payload.payload as { authorization: { to: string } };
  inner.authorization.to = "0x000000000000000000000000000000000000dEaD";
  const verdict = await facilitator.verify(payload, {
    ...requirements,
    payTo: "0x000000000000000000000000000000000000dEaD",
  });
  assertFalse(verdict.isValid);
  assertEquals(verdict.invalidReason, "invalid_exact_evm_signature");
});
