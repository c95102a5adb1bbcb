/**
 * The `Signer` the one-call flows sign challenges with: an EVM address and an EIP-191
 * `personal_sign`. The core holds no cryptography; bring a signer (a viem local account, an
 * ethers `Wallet`, or `privateKeySigner` from `@peaqos/peaq-os-sdk/signer`).
 *
 * @module
 */
import { OrchestrationValidationError } from "./errors.ts";

/**
 * A signer whose `signMessage` takes the message text: ethers' `Wallet` and `privateKeySigner`
 * from `@peaqos/peaq-os-sdk/signer` have this shape.
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
};

/**
 * A viem local account (`privateKeyToAccount`, `mnemonicToAccount`, …): `signMessage({ message })`.
 *
 * @example A viem account fits as is
 * ```ts ignore
 * import { privateKeyToAccount } from "viem/accounts";
 * import type { ViemLocalAccountSigner } from "@peaqos/peaq-os-sdk";
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
};

/**
 * Anything that can sign a challenge: viem local accounts and ethers `Wallet`s satisfy it as
 * they are. Normalise with {@linkcode toSigner} when you need to call it yourself.
 *
 * @example A viem account and an ethers wallet are both signers
 * ```ts ignore
 * import { privateKeyToAccount } from "viem/accounts";
 * import { Wallet } from "ethers";
 * import type { Signer } from "@peaqos/peaq-os-sdk";
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
 * adapted to `signMessage(message)`, and every signature is checked to be `0x` + 65 bytes.
 * A bad signer is an {@linkcode OrchestrationValidationError} on `signer`, thrown before any
 * request.
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
 * ```
 *
 * @param signer A viem local account, an ethers `Wallet` or any {@linkcode MessageSigner}.
 * @returns The same signer with a uniform `signMessage(message)`.
 */
export function toSigner(signer: Signer): MessageSigner {
  if (signer === null || typeof signer !== "object" && typeof signer !== "function") {
    throw new OrchestrationValidationError(
      "signer",
      "an object with an 'address' and a 'signMessage' function",
      signer,
    );
  }
  const { address } = signer;
  if (typeof address !== "string" || !ADDRESS.test(address)) {
    throw new OrchestrationValidationError("signer.address", "a 0x-prefixed 20-byte hex address");
  }
  if (typeof signer.signMessage !== "function") {
    throw new OrchestrationValidationError("signer.signMessage", "a function");
  }
  const sign = isViemLocalAccount(signer)
    ? (message: string) => signer.signMessage({ message })
    : (message: string) => (signer as MessageSigner).signMessage(message);
  return {
    address,
    async signMessage(message: string): Promise<string> {
      const signature: unknown = await sign(message);
      if (typeof signature !== "string" || !SIGNATURE.test(signature)) {
        throw new OrchestrationValidationError(
          "signature",
          "0x followed by 65 bytes of hex (r || s || v), as returned by signMessage",
        );
      }
      return signature;
    },
  };
}

function isViemLocalAccount(signer: Signer): signer is ViemLocalAccountSigner {
  return "type" in signer && signer.type === "local";
}
