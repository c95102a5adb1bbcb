/**
 * The `Signer` the one-call flows sign challenges with: an EVM address, an EIP-191
 * `personal_sign` and, for x402 payments, EIP-712 typed-data signing. The core holds no keys and
 * no elliptic-curve code; bring a signer (a viem local account, an ethers `Wallet`, or
 * `privateKeySigner` from `@peaqos/peaq-os-sdk/signer`).
 *
 * @module
 */
import { SignerError } from "./errors.ts";

/**
 * One member of an EIP-712 struct type: `{ name: "value", type: "uint256" }`.
 *
 * @example
 * ```ts
 * import type { TypedDataField } from "@peaqos/peaq-os-sdk";
 *
 * const field: TypedDataField = { name: "nonce", type: "bytes32" };
 * ```
 */
export type TypedDataField = {
  readonly name: string;
  readonly type: string;
};

/**
 * EIP-712 struct types by name, without `EIP712Domain` (derived from the domain), as viem and
 * ethers take them.
 *
 * @example EIP-3009's authorization
 * ```ts
 * import type { TypedDataTypes } from "@peaqos/peaq-os-sdk";
 *
 * const types: TypedDataTypes = {
 *   TransferWithAuthorization: [
 *     { name: "from", type: "address" },
 *     { name: "to", type: "address" },
 *     { name: "value", type: "uint256" },
 *     { name: "validAfter", type: "uint256" },
 *     { name: "validBefore", type: "uint256" },
 *     { name: "nonce", type: "bytes32" },
 *   ],
 * };
 * ```
 */
export type TypedDataTypes = {
  readonly [typeName: string]: readonly TypedDataField[];
};

/**
 * An EIP-712 domain; the fields present make up its `EIP712Domain` type, in this order.
 *
 * @example A token's domain
 * ```ts
 * import type { TypedDataDomain } from "@peaqos/peaq-os-sdk";
 *
 * const domain: TypedDataDomain = {
 *   name: "USD Coin",
 *   version: "2",
 *   chainId: 8453,
 *   verifyingContract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
 * };
 * ```
 */
// The fields are `?: T` without `| undefined` so that ethers' `Wallet` (whose domain fields are
// `?: T | null`) still fits `MessageSigner` under `exactOptionalPropertyTypes`; hex fields are
// `0x${string}` so that viem's account fits `ViemLocalAccountSigner`.
export type TypedDataDomain = {
  readonly name?: string;
  readonly version?: string;
  readonly chainId?: number | bigint;
  readonly verifyingContract?: `0x${string}`;
  readonly salt?: `0x${string}`;
};

/**
 * A signer whose `signMessage` takes the message text and whose `signTypedData` takes
 * `(domain, types, message)`: ethers' `Wallet` and `privateKeySigner` from
 * `@peaqos/peaq-os-sdk/signer` have this shape. `signTypedData` is needed for x402 payments only.
 *
 * @example A signer backed by your own key store
 * ```ts
 * import type { MessageSigner } from "@peaqos/peaq-os-sdk";
 *
 * const signer: MessageSigner = {
 *   address: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 *   signMessage: (message) => Promise.resolve(`0x${"00".repeat(65)}`), // call your KMS here
 * };
 * ```
 */
export type MessageSigner = {
  /** The `0x`-prefixed 20-byte address the signatures recover to. */
  readonly address: string;
  /** Signs `message` with EIP-191 `personal_sign`; resolves to `0x` + 65 bytes `r || s || v`. */
  signMessage(message: string): Promise<string>;
  /**
   * Signs EIP-712 typed data (`eth_signTypedData_v4`); the primary type is the one no other type
   * references, as in ethers. Resolves to `0x` + 65 bytes `r || s || v`.
   */
  // Method syntax on purpose: its parameters compare bivariantly, so ethers' `Wallet`, whose
  // types are mutable arrays and whose domain allows `null`, fits as it is.
  signTypedData?(
    domain: TypedDataDomain,
    types: TypedDataTypes,
    message: Readonly<Record<string, unknown>>,
  ): Promise<string>;
};

/**
 * A viem local account (`privateKeyToAccount`, `mnemonicToAccount`, …): `signMessage({ message })`
 * and `signTypedData({ domain, types, primaryType, message })`.
 *
 * @example A viem account fits as is
 * ```ts
 * import { privateKeyToAccount } from "viem/accounts";
 * import type { ViemLocalAccountSigner } from "@peaqos/peaq-os-sdk";
 * declare const privateKey: `0x${string}`;
 *
 * const account: ViemLocalAccountSigner = privateKeyToAccount(privateKey);
 * ```
 */
export type ViemLocalAccountSigner = {
  /** The `0x`-prefixed 20-byte address the signatures recover to. */
  readonly address: string;
  /** viem marks local accounts `"local"`; this is how the two shapes are told apart at run time. */
  readonly type: "local";
  /** Signs `message` with EIP-191 `personal_sign`. */
  signMessage(args: { readonly message: string }): Promise<string>;
  /** Signs EIP-712 typed data; needed for x402 payments only. */
  signTypedData?(args: {
    readonly domain: TypedDataDomain;
    readonly types: TypedDataTypes;
    readonly primaryType: string;
    readonly message: Readonly<Record<string, unknown>>;
  }): Promise<string>;
};

/**
 * Anything that can sign a challenge: viem local accounts and ethers `Wallet`s satisfy it as
 * they are. Normalise with {@linkcode toSigner} when you need to call it yourself.
 *
 * @example A viem account and an ethers wallet are both signers
 * ```ts
 * import { privateKeyToAccount } from "viem/accounts";
 * import { Wallet } from "ethers";
 * import type { Signer } from "@peaqos/peaq-os-sdk";
 * declare const privateKey: `0x${string}`;
 *
 * const fromViem: Signer = privateKeyToAccount(privateKey);
 * const fromEthers: Signer = new Wallet(privateKey);
 * ```
 */
export type Signer = MessageSigner | ViemLocalAccountSigner;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/**
 * Checks a {@linkcode Signer} and returns it as a {@linkcode MessageSigner}: viem accounts are
 * adapted to `signMessage(message)` and `signTypedData(domain, types, message)`, and every
 * signature is checked to be `0x` + 65 bytes. A bad signer is an
 * {@linkcode SignerError} on `signer`, thrown before any request. The result
 * has `signTypedData` only when the signer has it.
 *
 * @example Sign a challenge with either library
 * ```ts
 * import { toSigner } from "@peaqos/peaq-os-sdk";
 *
 * const viemLike = {
 *   address: "0x52908400098527886E0F7030069857D2E4169EE7",
 *   type: "local" as const,
 *   signMessage: ({ message }: { message: string }) => Promise.resolve("0x" + "ab".repeat(65)),
 * };
 * const signer = toSigner(viemLike);
 * const signature = await signer.signMessage("challenge");
 * console.assert(signature.length === 132);
 * console.assert(signer.signTypedData === undefined);
 * ```
 *
 * @param signer A viem local account, an ethers `Wallet` or any {@linkcode MessageSigner}.
 * @returns The same signer with a uniform `signMessage(message)` (and `signTypedData`).
 */
export function toSigner(signer: Signer): MessageSigner {
  if (
    signer === null ||
    typeof signer !== "object" && typeof signer !== "function"
  ) {
    throw new SignerError(
      "signer",
      "an object with an 'address' and a 'signMessage' function",
      signer,
    );
  }
  const { address } = signer;
  if (typeof address !== "string" || !ADDRESS.test(address)) {
    throw new SignerError(
      "signer.address",
      "a 0x-prefixed 20-byte hex address",
    );
  }
  if (typeof signer.signMessage !== "function") {
    throw new SignerError("signer.signMessage", "a function");
  }
  const typed: unknown = signer.signTypedData;
  if (typed !== undefined && typeof typed !== "function") {
    throw new SignerError(
      "signer.signTypedData",
      "a function when present",
    );
  }
  const viem = isViemLocalAccount(signer);
  const sign = viem
    ? (message: string) => signer.signMessage({ message })
    : (message: string) => (signer as MessageSigner).signMessage(message);
  const normalised: MessageSigner = {
    address,
    async signMessage(message: string): Promise<string> {
      return checkSignature(await sign(message), "signMessage");
    },
  };
  if (typed === undefined) return normalised;
  const signTyped = viem
    ? (
      domain: TypedDataDomain,
      types: TypedDataTypes,
      message: Readonly<Record<string, unknown>>,
    ) =>
      signer.signTypedData!({
        domain,
        types,
        primaryType: primaryTypeOf(types),
        message,
      })
    : (
      domain: TypedDataDomain,
      types: TypedDataTypes,
      message: Readonly<Record<string, unknown>>,
    ) => (signer as MessageSigner).signTypedData!(domain, types, message);
  return {
    ...normalised,
    async signTypedData(domain, types, message): Promise<string> {
      return checkSignature(
        await signTyped(domain, types, message),
        "signTypedData",
      );
    },
  };
}

/**
 * The primary type of EIP-712 `types`: the one struct no other struct references, as ethers
 * infers it. Throws {@linkcode SignerError} when there is not exactly one.
 *
 * @example
 * ```ts ignore
 * primaryTypeOf({ Mail: [{ name: "from", type: "Person" }], Person: [{ name: "name", type: "string" }] }); // "Mail"
 * ```
 */
export function primaryTypeOf(types: TypedDataTypes): string {
  const names = types !== null && typeof types === "object" ? Object.keys(types) : [];
  const referenced = new Set<string>();
  for (const name of names) {
    const fields: unknown = types[name];
    for (const field of Array.isArray(fields) ? fields : []) {
      // `Person[]` and `Person[2]` reference `Person`.
      const base = String(field?.type).replace(/(\[[0-9]*\])+$/, "");
      if (base !== name) referenced.add(base);
    }
  }
  const roots = names.filter((name) => !referenced.has(name));
  if (roots.length !== 1) {
    throw new SignerError(
      "types",
      "EIP-712 struct types with exactly one primary type (referenced by no other)",
    );
  }
  return roots[0]!;
}

function checkSignature(signature: unknown, method: string): string {
  if (typeof signature !== "string" || !SIGNATURE.test(signature)) {
    throw new SignerError(
      "signature",
      `0x followed by 65 bytes of hex (r || s || v), as returned by ${method}`,
    );
  }
  return signature;
}

function isViemLocalAccount(signer: Signer): signer is ViemLocalAccountSigner {
  return "type" in signer && signer.type === "local";
}
