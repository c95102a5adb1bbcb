/**
 * Benchmark: x402 signing cost on one core. `signX402Payment()` of a USDC-on-Base challenge
 * (challenge checks, EIP-55 checksums, EIP-712 hashing, secp256k1 signing, base64 JSON) with
 * `privateKeySigner`, and with a viem account, against the bare floor: viem's
 * `account.signTypedData` over the same `TransferWithAuthorization`. Interleaved rounds;
 * `--signatures` per contender (default 2 000).
 *
 * @module
 */
import { privateKeyToAccount } from "viem/accounts";
import { signX402Payment, type X402PaymentRequired } from "../mod.ts";
import { privateKeySigner } from "../signer/mod.ts";
import { consume, emit, interleaved, median, round, setting } from "./_lib.ts";

export type X402Result = {
  readonly signatures: number;
  readonly headerBytes: number;
  readonly privateKeySignerPerSecond: number;
  readonly viemAccountPerSecond: number;
  readonly bareViemPerSecond: number;
  /** signX402Payment with privateKeySigner time ÷ bare viem signTypedData time. */
  readonly ratio: number;
  /** signX402Payment with a viem account time ÷ bare viem signTypedData time: our own overhead. */
  readonly ratioViemAccount: number;
};

const PAYMENT_REQUIRED: X402PaymentRequired = {
  x402Version: 2,
  resource: {
    url: "https://api.example/api/v1/market/orders/ord_5f0c2a9d1e7b4c3a/execute",
    description: "Simulated translation",
    mimeType: "application/json",
  },
  accepts: [{
    scheme: "exact",
    network: "eip155:8453",
    amount: "1250000",
    asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    payTo: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
    maxTimeoutSeconds: 300,
    extra: { name: "USD Coin", version: "2" },
  }],
};

const TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

function randomHex(bytes: number): `0x${string}` {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return `0x${Array.from(values, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Runs the benchmark and returns its figures. */
export async function measureX402(): Promise<X402Result> {
  const signatures = setting("signatures", 2_000);
  const key = randomHex(32);
  const ours = privateKeySigner(key);
  const account = privateKeyToAccount(key);
  const option = PAYMENT_REQUIRED.accepts[0]!;
  const domain = {
    name: "USD Coin",
    version: "2",
    chainId: 8453,
    verifyingContract: option.asset as `0x${string}`,
  };
  const header = await signX402Payment(ours, PAYMENT_REQUIRED);

  const result = await interleaved({
    privateKeySigner: async () => consume(await signX402Payment(ours, PAYMENT_REQUIRED)),
    viemAccount: async () => consume(await signX402Payment(account, PAYMENT_REQUIRED)),
    bareViem: async () => {
      // The floor does the least a signer must: a fresh nonce and the typed-data signature.
      const signature = await account.signTypedData({
        domain,
        types: TYPES,
        primaryType: "TransferWithAuthorization",
        message: {
          from: account.address,
          to: option.payTo as `0x${string}`,
          value: 1250000n,
          validAfter: 0n,
          validBefore: BigInt(Math.floor(Date.now() / 1000) + 300),
          nonce: randomHex(32),
        },
      });
      consume(signature);
    },
  }, { calls: signatures, roundSize: 100, warmup: 100 });
  const perSecond = (samples: number[]) => 1000 / median(samples);
  const bare = median(result.bareViem!.samples);
  return {
    signatures: result.privateKeySigner!.samples.length,
    headerBytes: header.length,
    privateKeySignerPerSecond: Math.round(perSecond(result.privateKeySigner!.samples)),
    viemAccountPerSecond: Math.round(perSecond(result.viemAccount!.samples)),
    bareViemPerSecond: Math.round(perSecond(result.bareViem!.samples)),
    ratio: round(median(result.privateKeySigner!.samples) / bare),
    ratioViemAccount: round(median(result.viemAccount!.samples) / bare),
  };
}

if (import.meta.main) {
  const figures = await measureX402();
  console.log(
    `signX402Payment (${figures.headerBytes} B header): privateKeySigner ` +
      `${figures.privateKeySignerPerSecond}/s (ratio ${figures.ratio}), viem account ` +
      `${figures.viemAccountPerSecond}/s (ratio ${figures.ratioViemAccount}); bare viem ` +
      `signTypedData ${figures.bareViemPerSecond}/s`,
  );
  emit({ x402: figures });
}
