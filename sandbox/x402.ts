/**
 * The sandbox's x402 (version 2, `exact` EVM scheme) logic, pure and route-free: the challenge a
 * payment intent carries ({@linkcode x402Challenge}), the verification of a `PAYMENT-SIGNATURE`
 * header ({@linkcode verifyX402Payment}) and a simulated settlement ({@linkcode settleX402}).
 *
 * Verification is real: base64 → JSON → x402 `PaymentPayload`, the EIP-712 digest of the
 * EIP-3009 `TransferWithAuthorization` under the token's domain (hashed by the signer subpath's
 * `signer/eip712.ts`), secp256k1 public-key recovery, then the checks an x402 facilitator makes
 * (`@x402/evm`'s `verifyEIP3009`): recipient, exact amount, network, asset, validity window,
 * plus the payer the intent named and a nonce never used by another payment.
 *
 * @module
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { z } from "zod";
import { decimalOf, toBaseUnits } from "../contract/money.ts";
import { toChecksumAddress } from "../signer/eip191.ts";
import { recoverDigestSigner } from "./crypto.ts";
import { hashTypedData } from "../signer/eip712.ts";
import { bytesToHex, decodeBase64 } from "../src/encoding.ts";
import type { TypedDataTypes } from "../src/signer.ts";
import type {
  X402ExactAuthorization,
  X402PaymentPayload,
  X402PaymentRequired,
  X402PaymentRequirements,
  X402ResourceInfo,
} from "../src/types/x402.ts";

/** The largest `PAYMENT-SIGNATURE` header accepted, in characters (a real one is ~1.5 KiB). */
export const X402_MAX_HEADER_LENGTH = 8 * 1024;

/**
 * Seconds an authorization must still be valid for when it is verified, as `@x402/evm`'s
 * facilitator requires (`validBefore >= now + 6`): room to settle it before it lapses.
 */
export const X402_EXPIRY_MARGIN_SECONDS = 6;

const EIP3009_TYPES: TypedDataTypes = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};
const MAX_UINT256 = (1n << 256n) - 1n;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
// One check, not regex + refine: zod runs a refinement even after the regex failed.
const uint256 = z.string().refine(
  (value) => /^[0-9]{1,78}$/.test(value) && BigInt(value) <= MAX_UINT256,
  "must be a uint256 as a decimal string",
);

/**
 * A service's x402 parameters, `service.metadata.x402` in the catalogue: CAIP-2 `network`, the
 * token contract `asset` and its EIP-712 domain `extra: { name, version }`, the recipient
 * `payTo`, how long an authorization may be valid, and the token's `decimals` (default 6, USDC).
 *
 * @example USDC on Base
 * ```ts ignore
 * const params = x402ServiceParamsSchema.parse(service.metadata.x402);
 * ```
 */
export const x402ServiceParamsSchema = z.strictObject({
  network: z.string().regex(/^eip155:[1-9][0-9]{0,15}$/),
  asset: address,
  payTo: address,
  maxTimeoutSeconds: z.int().min(1).max(86_400),
  extra: z.looseObject({ name: z.string().min(1), version: z.string().min(1) }),
  decimals: z.int().min(0).max(36).optional(),
});

/** A service's x402 parameters; see {@linkcode x402ServiceParamsSchema}. */
export type X402ServiceParams = z.infer<typeof x402ServiceParamsSchema>;

/**
 * Builds the x402 `PaymentRequired` of an order: one `exact` option for the order's price in
 * the token's atomic units (exact decimal conversion: 1.25 with 6 decimals is `"1250000"`),
 * addresses EIP-55 checksummed, as the official client will copy them.
 *
 * @example
 * ```ts ignore
 * const challenge = x402Challenge({
 *   service: x402ServiceParamsSchema.parse(service.metadata.x402),
 *   amount: order.price.amount,
 *   resource: { url: `${origin}/api/v1/market/orders/${order.id}/execute`, description: service.name },
 * });
 * ```
 *
 * @throws {RangeError} When `amount` is negative, not finite or finer than the token's decimals
 * (a catalogue error, not a client one).
 */
export function x402Challenge(input: {
  readonly service: X402ServiceParams;
  readonly amount: number;
  readonly resource: X402ResourceInfo;
}): X402PaymentRequired {
  const { service, amount, resource } = input;
  const decimals = service.decimals ?? 6;
  const decimal = decimalOf(amount);
  const units = decimal === undefined ? undefined : toBaseUnits(decimal, decimals);
  if (units === undefined) {
    throw new RangeError(
      `Cannot price an x402 challenge: amount '${amount}' is not a non-negative number with at most ${decimals} decimals`,
    );
  }
  return {
    x402Version: 2,
    resource,
    accepts: [{
      scheme: "exact",
      network: service.network,
      amount: units.toString(),
      asset: toChecksumAddress(service.asset),
      payTo: toChecksumAddress(service.payTo),
      maxTimeoutSeconds: service.maxTimeoutSeconds,
      extra: service.extra,
    }],
  };
}

/**
 * What a payment must match: the option the challenge offered, the payer the intent named
 * (`null`: anyone) and the payment it is for (a nonce may be presented again for the same
 * payment — proof, then execute — but never for another).
 *
 * @example
 * ```ts ignore
 * const expected: X402Expected = { requirements: challenge.accepts[0]!, payer: payment.payerAddress, paymentId: payment.id };
 * ```
 */
export type X402Expected = {
  readonly requirements: X402PaymentRequirements;
  readonly payer: string | null;
  readonly paymentId: string;
};

/**
 * The verifier's context: the sandbox clock and every nonce seen so far, keyed by
 * {@linkcode x402NonceKey}, with the payment that first presented it.
 *
 * @example
 * ```ts ignore
 * const options: X402VerifyOptions = { now: ctx.now(), usedNonces: store.x402Nonces };
 * ```
 */
export type X402VerifyOptions = {
  readonly now: Date;
  readonly usedNonces: ReadonlyMap<string, string>;
};

/**
 * Why a payment was refused. `missing`: no header (`PAYMENT_REQUIRED`, 402); `malformed` (not
 * base64 of UTF-8 JSON), `too_large`, `invalid_payload` (not an x402 `PaymentPayload`),
 * `unsupported_version`: a `VALIDATION_ERROR` (400); every other reason, a payment that is
 * well-formed but does not pay what was asked, is `PAYMENT_TX_FAILED` (402).
 */
export type X402RefusalReason =
  | "missing"
  | "malformed"
  | "too_large"
  | "invalid_payload"
  | "unsupported_version"
  | "scheme_mismatch"
  | "network_mismatch"
  | "asset_mismatch"
  | "recipient_mismatch"
  | "amount_mismatch"
  | "payer_mismatch"
  | "not_yet_valid"
  | "expired"
  | "invalid_signature"
  | "nonce_replayed";

/** The API error a refusal maps to. */
export type X402RefusalCode = "PAYMENT_REQUIRED" | "VALIDATION_ERROR" | "PAYMENT_TX_FAILED";

/**
 * The outcome of {@linkcode verifyX402Payment}. A refusal carries its reason, the API error it
 * maps to and a message that never repeats the signature.
 *
 * @example
 * ```ts ignore
 * const result = verifyX402Payment(header, expected, options);
 * if (!result.ok) throw new ApiError(result.code, result.status, result.message, { reason: result.reason });
 * usedNonces.set(result.nonceKey, expected.paymentId);
 * ```
 */
export type X402Verification =
  | {
    readonly ok: true;
    readonly payload: X402PaymentPayload;
    readonly authorization: X402ExactAuthorization;
    /** The recovered signer, checksummed. */
    readonly payer: string;
    /** Record it in `usedNonces` once the payment is accepted. */
    readonly nonceKey: string;
  }
  | {
    readonly ok: false;
    readonly reason: X402RefusalReason;
    readonly code: X402RefusalCode;
    readonly status: 400 | 402;
    readonly message: string;
  };

const payloadSchema = z.looseObject({
  x402Version: z.number(),
  payload: z.looseObject({
    authorization: z.looseObject({
      from: address,
      to: address,
      value: uint256,
      validAfter: uint256,
      validBefore: uint256,
      nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    }),
    signature: z.string(),
  }),
  resource: z.looseObject({ url: z.string() }).optional(),
  accepted: z.looseObject({
    scheme: z.string(),
    network: z.string(),
    amount: z.string(),
    asset: z.string(),
    payTo: z.string(),
    maxTimeoutSeconds: z.number(),
    extra: z.record(z.string(), z.unknown()).optional(),
  }),
});

function refuse(reason: X402RefusalReason, message: string): X402Verification {
  const code: X402RefusalCode = reason === "missing"
    ? "PAYMENT_REQUIRED"
    : ["malformed", "too_large", "invalid_payload", "unsupported_version"].includes(reason)
    ? "VALIDATION_ERROR"
    : "PAYMENT_TX_FAILED";
  return { ok: false, reason, code, status: code === "VALIDATION_ERROR" ? 400 : 402, message };
}

function decodeHeader(header: string): unknown {
  const bytes = decodeBase64(header);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The key of an authorization's nonce in the registry: EIP-3009 tracks nonces per token contract
 * and authorizer, so the key is network, asset, payer and nonce (case-insensitive).
 *
 * @example
 * ```ts ignore
 * x402NonceKey("eip155:8453", usdc, authorization); // "eip155:8453|0x8335…|0x2c75…|0x11…"
 * ```
 */
export function x402NonceKey(
  network: string,
  asset: string,
  authorization: Pick<X402ExactAuthorization, "from" | "nonce">,
): string {
  return [network, asset, authorization.from, authorization.nonce]
    .map((part) => part.toLowerCase())
    .join("|");
}

/**
 * Verifies a `PAYMENT-SIGNATURE` header against what the payment expects. Never throws: every
 * problem is a refusal with a reason. Pure: on success, record `nonceKey` in `usedNonces` for
 * `expected.paymentId` yourself. The amount must match exactly, as `@x402/evm`'s facilitator
 * requires (an overpayment is refused too: an EIP-3009 transfer moves exactly `value`, and the
 * buyer agreed to the price, not more).
 *
 * @example
 * ```ts ignore
 * const result = verifyX402Payment(c.req.header("payment-signature"), {
 *   requirements: challenge.accepts[0]!,
 *   payer: payment.payerAddress,
 *   paymentId: payment.id,
 * }, { now: ctx.now(), usedNonces: store.x402Nonces });
 * ```
 */
export function verifyX402Payment(
  header: unknown,
  expected: X402Expected,
  options: X402VerifyOptions,
): X402Verification {
  if (header === undefined || header === null || header === "") {
    return refuse(
      "missing",
      "Missing x402 payment: send the signed payload as 'PAYMENT-SIGNATURE'",
    );
  }
  if (typeof header !== "string") {
    return refuse("malformed", "Invalid x402 payment: the payload must be a base64 string");
  }
  if (header.length > X402_MAX_HEADER_LENGTH) {
    return refuse(
      "too_large",
      `Invalid x402 payment: the payload is ${header.length} characters, more than ${X402_MAX_HEADER_LENGTH}`,
    );
  }
  const decoded = decodeHeader(header);
  if (decoded === undefined) {
    return refuse("malformed", "Invalid x402 payment: not base64-encoded UTF-8 JSON");
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "payload";
    return refuse(
      "invalid_payload",
      `Invalid x402 payment: not an x402 PaymentPayload: '${where}'`,
    );
  }
  // The decoded JSON as sent (zod's output would drop nothing here, but keep the original).
  const payload = decoded as X402PaymentPayload;
  const { accepted } = payload;
  const { authorization, signature } = payload.payload;
  const want = expected.requirements;
  if (payload.x402Version !== 2) {
    return refuse(
      "unsupported_version",
      `Unsupported x402 version: '${payload.x402Version}' (this server speaks 2)`,
    );
  }
  if (accepted.scheme !== "exact") {
    return refuse(
      "scheme_mismatch",
      `x402 payment refused: scheme '${accepted.scheme}' is not 'exact'`,
    );
  }
  if (accepted.network !== want.network) {
    return refuse(
      "network_mismatch",
      `x402 payment refused: network '${accepted.network}' is not '${want.network}'`,
    );
  }
  if (!sameAddress(accepted.asset, want.asset)) {
    return refuse(
      "asset_mismatch",
      `x402 payment refused: asset '${accepted.asset}' is not '${want.asset}'`,
    );
  }
  if (!sameAddress(accepted.payTo, want.payTo) || !sameAddress(authorization.to, want.payTo)) {
    return refuse(
      "recipient_mismatch",
      `x402 payment refused: it pays '${authorization.to}', not '${want.payTo}'`,
    );
  }
  if (BigInt(authorization.value) !== BigInt(want.amount) || accepted.amount !== want.amount) {
    return refuse(
      "amount_mismatch",
      `x402 payment refused: value '${authorization.value}' is not the '${want.amount}' required`,
    );
  }
  const now = BigInt(Math.floor(options.now.getTime() / 1000));
  if (BigInt(authorization.validAfter) > now) {
    return refuse(
      "not_yet_valid",
      `x402 payment refused: valid only after '${authorization.validAfter}' (now '${now}')`,
    );
  }
  if (BigInt(authorization.validBefore) < now + BigInt(X402_EXPIRY_MARGIN_SECONDS)) {
    return refuse(
      "expired",
      `x402 payment refused: expired at '${authorization.validBefore}' (now '${now}')`,
    );
  }
  let recovered: string | undefined;
  try {
    const chainId = BigInt(want.network.slice("eip155:".length));
    const digest = hashTypedData(
      {
        name: String(want.extra.name),
        version: String(want.extra.version),
        chainId,
        verifyingContract: want.asset as `0x${string}`,
      },
      EIP3009_TYPES,
      "TransferWithAuthorization",
      authorization,
    );
    // x402 signatures are always 0x-prefixed; recovery refuses malformed and high-s ones.
    recovered = /^0x[0-9a-fA-F]{130}$/.test(signature)
      ? recoverDigestSigner(digest, signature)
      : undefined;
  } catch {
    recovered = undefined;
  }
  if (recovered === undefined || !sameAddress(recovered, authorization.from)) {
    return refuse(
      "invalid_signature",
      `x402 payment refused: the signature does not recover to 'from' ('${authorization.from}')`,
    );
  }
  if (expected.payer !== null && !sameAddress(authorization.from, expected.payer)) {
    return refuse(
      "payer_mismatch",
      `x402 payment refused: signed by '${authorization.from}', not the intent's payer '${expected.payer}'`,
    );
  }
  const nonceKey = x402NonceKey(want.network, want.asset, authorization);
  const holder = options.usedNonces.get(nonceKey);
  if (holder !== undefined && holder !== expected.paymentId) {
    return refuse(
      "nonce_replayed",
      `x402 payment refused: nonce '${authorization.nonce}' was already used`,
    );
  }
  return { ok: true, payload, authorization, payer: recovered, nonceKey };
}

/**
 * A simulated x402 settlement: what a facilitator reports after `transferWithAuthorization`.
 *
 * @example
 * ```ts ignore
 * const { transactionHash } = settleX402(result.payload);
 * ```
 */
export type X402Settlement = {
  /** `0x` + 32 bytes, deterministic from the authorization. */
  readonly transactionHash: string;
  readonly network: string;
  readonly asset: string;
  readonly payer: string;
  readonly payTo: string;
  /** Atomic units, as authorized. */
  readonly amount: string;
};

/**
 * Settles a verified payment in simulation: no chain, a transaction hash derived from the
 * authorization (the same payment always settles to the same hash; different nonces never
 * collide). Call it only with the payload of a successful {@linkcode verifyX402Payment}.
 *
 * @example
 * ```ts ignore
 * const settlement = settleX402(result.payload);
 * payment = { ...payment, status: "released", transactionHash: settlement.transactionHash };
 * ```
 */
export function settleX402(payload: X402PaymentPayload): X402Settlement {
  const { authorization } = payload.payload;
  const { network, asset } = payload.accepted;
  const preimage = JSON.stringify([
    "peaq-sandbox-x402-settlement",
    x402NonceKey(network, asset, authorization),
    authorization.to.toLowerCase(),
    authorization.value,
    authorization.validAfter,
    authorization.validBefore,
  ]);
  return {
    transactionHash: `0x${bytesToHex(keccak_256(new TextEncoder().encode(preimage)))}`,
    network,
    asset: toChecksumAddress(asset),
    payer: toChecksumAddress(authorization.from),
    payTo: toChecksumAddress(authorization.to),
    amount: authorization.value,
  };
}
