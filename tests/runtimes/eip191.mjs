// EIP-191 `personal_sign` for the runtime smoke tests, written straight on @noble (installed in
// the temporary project as dev dependencies), independent of the SDK's own signer so the
// sandbox's signature recovery checks something the package did not produce.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

const encoder = new TextEncoder();

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A fresh wallet: `{ privateKey, address, sign(message) }`. */
export function createWallet() {
  const secret = secp256k1.utils.randomSecretKey();
  const publicKey = secp256k1.getPublicKey(secret, false);
  const address = `0x${hex(keccak_256(publicKey.subarray(1)).subarray(12))}`;
  return {
    privateKey: `0x${hex(secret)}`,
    address,
    /** `0x` + r || s || v (v = 27 or 28) over keccak256("\x19Ethereum Signed Message:\n" + len + message). */
    sign(message) {
      const body = encoder.encode(message);
      const prefix = encoder.encode(`\x19Ethereum Signed Message:\n${body.length}`);
      const data = new Uint8Array(prefix.length + body.length);
      data.set(prefix);
      data.set(body, prefix.length);
      const recovered = secp256k1.sign(keccak_256(data), secret, {
        prehash: false,
        format: "recovered",
      });
      // noble's layout is recovery || r || s; Ethereum's is r || s || (27 + recovery).
      return `0x${hex(recovered.subarray(1))}${(27 + recovered[0]).toString(16)}`;
    },
  };
}
