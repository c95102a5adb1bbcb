/**
 * Test and demo tooling: throwaway secp256k1 wallets that sign EIP-191 messages, so tests and
 * the demo can answer identity and pairing challenges. Never use these keys for real funds.
 *
 * @module
 */
import { addressFromPrivateKey, generatePrivateKey, signPersonalMessage } from "./crypto.ts";

/** A generated key pair with an EIP-191 signer. */
export type TestWallet = {
  /** `0x` + 64 hex digits. */
  readonly privateKey: string;
  /** EIP-55 checksummed address. */
  readonly address: string;
  /** Signs like `personal_sign`; returns `0x` + r || s || v. */
  signMessage(message: string): string;
};

/**
 * Creates a wallet from `privateKey`, or a fresh random one.
 *
 * @example
 * ```ts ignore
 * const wallet = createWallet();
 * const signature = wallet.signMessage(challenge.message);
 * ```
 */
export function createWallet(privateKey: string = generatePrivateKey()): TestWallet {
  const address = addressFromPrivateKey(privateKey);
  return {
    privateKey,
    address,
    signMessage: (message) => signPersonalMessage(privateKey, message),
  };
}
