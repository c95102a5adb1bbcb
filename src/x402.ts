/**
 * Paying an x402 challenge: {@linkcode signX402Payment} turns an x402 version 2
 * `PaymentRequired` (a payment intent's `x402`) into the `PAYMENT-SIGNATURE` header value for
 * the `exact` EVM scheme — an EIP-3009 `TransferWithAuthorization` signed as EIP-712 typed data
 * by your signer, locally, with no network and no gas. The header is byte for byte the shape
 * `x402Client.createPaymentPayload` of `@x402/core` with `@x402/evm` produces.
 *
 * @module
 */
import { bytesToHex, encodeBase64 } from "./encoding.ts";
import { checksumAddress, parseAddress } from "./address.ts";
import { OrchestrationValidationError, SignerError } from "./errors.ts";
import { type Signer, toSigner, type TypedDataTypes } from "./signer.ts";
import type {
  X402ExactAuthorization,
  X402ExactExtra,
  X402PaymentPayload,
  X402PaymentRequired,
  X402PaymentRequirements,
} from "./types/x402.ts";

/**
 * Options of {@linkcode signX402Payment}; each has a sound default and exists for tests and
 * for buyers with their own preferences.
 *
 * @example Pay on Base only, at a fixed time and nonce (reproducible)
 * ```ts
 * import type { SignX402PaymentOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: SignX402PaymentOptions = {
 *   now: new Date("2026-11-28T10:00:00Z"),
 *   nonce: `0x${"11".repeat(32)}`,
 *   accept: (accepts) => accepts.find((option) => option.network === "eip155:8453"),
 * };
 * ```
 */
export type SignX402PaymentOptions = {
  /** The current time (a `Date` or unix seconds); the authorization is valid until this plus
   * the option's `maxTimeoutSeconds`. Default: the clock. */
  readonly now?: Date | number | undefined;
  /** The EIP-3009 nonce, `0x` + 32 bytes of hex. Default: 32 fresh random bytes; never reuse one. */
  readonly nonce?: string | undefined;
  /** Picks the option to pay from `accepts`. Default: the first `exact` option on an
   * `eip155:<chainId>` network paid by EIP-3009. */
  readonly accept?:
    | ((
      accepts: readonly X402PaymentRequirements[],
    ) => X402PaymentRequirements | undefined)
    | undefined;
};

/** EIP-3009's struct, as `@x402/evm` declares it. */
const TRANSFER_WITH_AUTHORIZATION: TypedDataTypes = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

const EIP155 = /^eip155:([0-9]+)$/;
const UINT = /^[0-9]+$/;
const NONCE = /^0x[0-9a-fA-F]{64}$/;
// A literal, not (1n << 256n) - 1n: bundlers keep an expression they cannot prove pure.
const MAX_UINT256 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn;

/**
 * Signs an x402 challenge and returns the `PAYMENT-SIGNATURE` header value: base64 of the JSON
 * x402 `PaymentPayload` `{ x402Version: 2, payload: { authorization, signature }, resource,
 * accepted }`. It pays the first `exact` option on an `eip155:<chainId>` network (or the one
 * `options.accept` picks) with an EIP-3009 `TransferWithAuthorization` from the signer's address
 * to `payTo` for exactly `amount`, under the token's EIP-712 domain `{ name, version, chainId,
 * verifyingContract: asset }`, with a fresh random nonce, valid from `0` (as `@x402/evm` sets it)
 * until now plus `maxTimeoutSeconds`.
 *
 * The signer needs `signTypedData`: viem local accounts, ethers `Wallet`s and `privateKeySigner`
 * from `@peaqos/peaq-os-sdk/signer` have it. The header authorizes a payment: treat it as a
 * secret (the SDK redacts it from logs and errors).
 *
 * @example Pay an x402 payment intent
 * ```ts
 * import { signX402Payment, type X402PaymentRequired } from "@peaqos/peaq-os-sdk";
 * import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const challenge: X402PaymentRequired = {
 *   x402Version: 2,
 *   resource: { url: "https://api.example/api/v1/market/orders/ord_1/execute" },
 *   accepts: [{
 *     scheme: "exact",
 *     network: "eip155:8453",
 *     amount: "1250000",
 *     asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
 *     payTo: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
 *     maxTimeoutSeconds: 300,
 *     extra: { name: "USD Coin", version: "2" },
 *   }],
 * };
 * const signer = privateKeySigner("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
 * const paymentSignature = await signX402Payment(signer, challenge);
 * const payload = JSON.parse(atob(paymentSignature));
 * console.assert(payload.payload.authorization.from === signer.address);
 * console.assert(payload.payload.authorization.value === "1250000");
 * ```
 *
 * @param signer A viem local account, an ethers `Wallet` or any signer with `signTypedData`.
 * @param paymentRequired The challenge (`payment.x402` of an x402 payment intent).
 * @param options Clock, nonce and option picker; see {@linkcode SignX402PaymentOptions}.
 * @returns The base64 `PAYMENT-SIGNATURE` value. Rejects with
 * {@linkcode OrchestrationValidationError}, before the signer is asked, when the challenge has
 * no payable option (no `exact` EIP-3009 option on an EVM network, an amount that is not an
 * integer string, a bad address, a missing EIP-712 `name`/`version`, a window that would be
 * expired) or the signer cannot sign typed data.
 */
export async function signX402Payment(
  signer: Signer,
  paymentRequired: X402PaymentRequired,
  options: SignX402PaymentOptions = {},
): Promise<string> {
  const accepted = pickOption(paymentRequired, options.accept);
  const field = `paymentRequired.accepts[${paymentRequired.accepts.indexOf(accepted)}]`;
  const terms = checkOption(accepted, field);
  const now = unixSeconds(options.now);
  const nonce = options.nonce ?? randomNonce();
  if (typeof nonce !== "string" || !NONCE.test(nonce)) {
    throw new OrchestrationValidationError(
      "options.nonce",
      "0x followed by 32 bytes of hex",
    );
  }
  const wallet = toSigner(signer);
  if (wallet.signTypedData === undefined) {
    throw new SignerError(
      "signer.signTypedData",
      "a function: x402 payments are EIP-712 typed data (viem accounts, ethers Wallets and privateKeySigner have it)",
    );
  }
  const validBefore = BigInt(now) + BigInt(accepted.maxTimeoutSeconds);
  const authorization: X402ExactAuthorization = {
    from: wallet.address,
    to: terms.payTo,
    value: accepted.amount,
    validAfter: "0",
    validBefore: validBefore.toString(),
    nonce,
  };
  const signature = await wallet.signTypedData(
    {
      name: terms.name,
      version: terms.version,
      chainId: terms.chainId,
      verifyingContract: terms.asset as `0x${string}`,
    },
    TRANSFER_WITH_AUTHORIZATION,
    {
      from: checksumAddress(authorization.from),
      to: authorization.to,
      value: BigInt(authorization.value),
      validAfter: 0n,
      validBefore,
      nonce,
    },
  );
  // Key order is @x402/core's: x402Version, payload, extensions (only when the server sent
  // some), resource, accepted.
  const payload: X402PaymentPayload = {
    x402Version: 2,
    payload: { authorization, signature },
    ...(paymentRequired.extensions === undefined ? {} : { extensions: paymentRequired.extensions }),
    resource: paymentRequired.resource,
    accepted,
  };
  // Base64 of the UTF-8 bytes, as `@x402/core`'s `safeBase64Encode` writes it.
  return encodeBase64(new TextEncoder().encode(JSON.stringify(payload)));
}

function pickOption(
  paymentRequired: X402PaymentRequired,
  accept: SignX402PaymentOptions["accept"],
): X402PaymentRequirements {
  if (paymentRequired === null || typeof paymentRequired !== "object") {
    throw new OrchestrationValidationError(
      "paymentRequired",
      "an x402 PaymentRequired object (a payment intent's 'x402')",
      paymentRequired,
    );
  }
  if (paymentRequired.x402Version !== 2) {
    throw new OrchestrationValidationError(
      "paymentRequired.x402Version",
      "2 (x402 version 2)",
      paymentRequired.x402Version,
    );
  }
  const { resource, accepts } = paymentRequired;
  if (
    resource === null || typeof resource !== "object" ||
    typeof resource.url !== "string"
  ) {
    throw new OrchestrationValidationError(
      "paymentRequired.resource",
      "an object with a 'url'",
    );
  }
  if (!Array.isArray(accepts) || accepts.length === 0) {
    throw new OrchestrationValidationError(
      "paymentRequired.accepts",
      "a non-empty array",
    );
  }
  if (accept !== undefined && typeof accept !== "function") {
    throw new OrchestrationValidationError(
      "options.accept",
      "a function",
      accept,
    );
  }
  const picked = accept ? accept(accepts) : accepts.find(isExactEvmOption);
  if (
    picked === undefined || !accepts.includes(picked) ||
    !isExactEvmOption(picked)
  ) {
    throw new OrchestrationValidationError(
      "paymentRequired.accepts",
      accept
        ? "an option that 'accept' picks among them: an 'exact' EIP-3009 option on an 'eip155:<chainId>' network"
        : "an 'exact' EIP-3009 option on an 'eip155:<chainId>' network",
    );
  }
  return picked;
}

function isExactEvmOption(option: unknown): option is X402PaymentRequirements {
  if (option === null || typeof option !== "object") return false;
  const { scheme, network, extra } = option as Partial<X402PaymentRequirements>;
  const method = extra !== null && typeof extra === "object"
    ? extra.assetTransferMethod
    : undefined;
  // `permit2` options need an on-chain approval first; only EIP-3009 is signed here.
  return scheme === "exact" && typeof network === "string" &&
    EIP155.test(network) &&
    (method === undefined || method === "eip3009");
}

/** What the signature is over, checked and normalised: addresses EIP-55 checksummed. */
type SigningTerms = {
  readonly chainId: number;
  readonly name: string;
  readonly version: string;
  readonly asset: string;
  readonly payTo: string;
};

function checkOption(
  option: X402PaymentRequirements,
  field: string,
): SigningTerms {
  const chainId = Number(EIP155.exec(option.network)![1]);
  if (!Number.isSafeInteger(chainId) || chainId < 1) {
    throw new OrchestrationValidationError(
      `${field}.network`,
      "'eip155:<chainId>' with a chain id of 1 or more",
      option.network,
    );
  }
  if (
    typeof option.amount !== "string" || !UINT.test(option.amount) ||
    BigInt(option.amount) > MAX_UINT256
  ) {
    throw new OrchestrationValidationError(
      `${field}.amount`,
      "an integer string of the token's atomic units (e.g. '1250000')",
      option.amount,
    );
  }
  const [asset, payTo] = (["asset", "payTo"] as const).map((key) => {
    const checksummed = parseAddress(option[key]);
    if (checksummed === undefined) {
      throw new OrchestrationValidationError(
        `${field}.${key}`,
        "a 0x-prefixed 20-byte hex address (a valid EIP-55 checksum if mixed case)",
        option[key],
      );
    }
    return checksummed;
  }) as [string, string];
  const timeout = option.maxTimeoutSeconds;
  if (
    typeof timeout !== "number" || !Number.isSafeInteger(timeout) || timeout < 1
  ) {
    throw new OrchestrationValidationError(
      `${field}.maxTimeoutSeconds`,
      "a whole number of seconds, 1 or more (the authorization would be expired otherwise)",
      timeout,
    );
  }
  const { name, version }: X402ExactExtra = option.extra ?? {};
  for (const [key, value] of [["name", name], ["version", version]] as const) {
    if (typeof value !== "string" || value === "") {
      throw new OrchestrationValidationError(
        `${field}.extra.${key}`,
        "the token's EIP-712 domain " + key + " (a non-empty string)",
        value,
      );
    }
  }
  return { chainId, name: name!, version: version!, asset, payTo };
}

function unixSeconds(value: unknown): number {
  if (value === undefined) return Math.floor(Date.now() / 1000);
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms) && ms >= 0) return Math.floor(ms / 1000);
  } else if (
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0
  ) {
    return value;
  }
  throw new OrchestrationValidationError(
    "options.now",
    "a valid Date or non-negative unix seconds",
    value,
  );
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${bytesToHex(bytes)}`;
}
