/**
 * `@peaqos/peaq-os-sdk/signer`: a {@linkcode Signer} built from a private key, and a
 * `createClient` that turns the client's `privateKey` option into that signer. This subpath
 * depends on `@noble/curves` and `@noble/hashes`; the core (`@peaqos/peaq-os-sdk`) stays
 * dependency-free and never imports it.
 *
 * @example Register a machine with a key from the environment
 * ```ts ignore
 * import { registerMachine } from "@peaqos/peaq-os-sdk";
 * import { createClient } from "@peaqos/peaq-os-sdk/signer";
 *
 * const client = createClient({
 *   orchestrationUrl: "http://127.0.0.1:8787",
 *   apiKey: Deno.env.get("PEAQOS_API_KEY"),
 *   privateKey: Deno.env.get("PEAQOS_PRIVATE_KEY"),
 * });
 * const { machine } = await registerMachine(client, { displayName: "Rover 7", machineType: "rover" });
 * ```
 *
 * @module
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { PeaqosClient, type PeaqosClientOptions } from "../src/client.ts";
import { type EnvSource, type EnvVarName, readRuntimeEnv } from "../src/env.ts";
import { SignerError } from "../src/errors.ts";
import { hexToBytes } from "../src/encoding.ts";
import type { MessageSigner, Signer, TypedDataDomain, TypedDataTypes } from "../src/signer.ts";
import { addressOfPublicKey, signDigest, signPersonalMessage } from "./eip191.ts";
import { hashTypedData, primaryTypeOf } from "./eip712.ts";

export type { MessageSigner, Signer, TypedDataDomain, TypedDataTypes };

/**
 * A {@linkcode MessageSigner} that holds its key out of sight: it prints as its address only.
 *
 * @example Only the address is printed
 * ```ts
 * import { privateKeySigner, type PrivateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const signer: PrivateKeySigner = privateKeySigner(
 *   "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
 * );
 * console.log(JSON.stringify(signer)); // {"address":"0x2c75…5c23"}
 * ```
 */
export type PrivateKeySigner = MessageSigner & {
  /** Signs EIP-712 typed data; the primary type is the one no other type references. */
  signTypedData(
    domain: TypedDataDomain,
    types: TypedDataTypes,
    message: Readonly<Record<string, unknown>>,
  ): Promise<string>;
  /** `{ address }`: what `JSON.stringify` and `console.log` show. */
  toJSON(): { readonly address: string };
};

const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
const DENO_INSPECT = Symbol.for("Deno.customInspect");

function parsePrivateKey(privateKey: unknown): Uint8Array {
  const key = typeof privateKey === "string" ? hexToBytes(privateKey) : undefined;
  if (key?.length !== 32 || !secp256k1.utils.isValidSecretKey(key)) {
    // The value never appears: `privateKey` is a secret field name.
    throw new SignerError(
      "privateKey",
      "a secp256k1 private key as 64 hex digits (0x optional)",
      privateKey,
    );
  }
  return key;
}

/**
 * Builds a signer from a secp256k1 private key: EIP-191 `personal_sign` and EIP-712
 * `signTypedData` over secp256k1 with keccak-256, RFC 6979 deterministic nonces and low-s
 * signatures, returned as `0x` + 65 bytes `r || s || v` with `v` 27 or 28 — byte for byte what
 * viem and ethers produce. The key lives in a closure: `JSON.stringify`, `console.log` and
 * inspect show only `{ address }`.
 *
 * @example Sign a challenge message
 * ```ts
 * import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const signer = privateKeySigner("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
 * console.assert(signer.address === "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
 * const signature = await signer.signMessage("peaq challenge");
 * console.assert(/^0x[0-9a-f]{130}$/.test(signature));
 * console.assert(!JSON.stringify(signer).includes("4c0883"));
 * ```
 *
 * @example Sign EIP-712 typed data, as ethers' `signTypedData(domain, types, value)` does
 * ```ts
 * import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const signer = privateKeySigner("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
 * const signature = await signer.signTypedData(
 *   { name: "Ether Mail", version: "1", chainId: 1 },
 *   { Mail: [{ name: "contents", type: "string" }, { name: "amount", type: "uint256" }] },
 *   { contents: "Hello, Bob!", amount: 5n },
 * );
 * console.assert(/^0x[0-9a-f]{128}(1b|1c)$/.test(signature));
 * ```
 *
 * @param privateKey 32 bytes as 64 hex digits, with or without `0x`.
 * @returns A {@linkcode PrivateKeySigner}; an invalid key throws
 * {@linkcode SignerError} on `privateKey` without echoing it.
 */
export function privateKeySigner(privateKey: string): PrivateKeySigner {
  const key = parsePrivateKey(privateKey);
  const address = addressOfPublicKey(secp256k1.getPublicKey(key, false));
  const view = (): { readonly address: string } => ({ address });
  const signer = {
    address,
    signMessage(message: string): Promise<string> {
      try {
        if (typeof message !== "string") {
          throw new SignerError("message", "a string", message);
        }
        return Promise.resolve(signPersonalMessage(key, message));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    signTypedData(
      domain: TypedDataDomain,
      types: TypedDataTypes,
      message: Readonly<Record<string, unknown>>,
    ): Promise<string> {
      try {
        const digest = hashTypedData(domain, types, primaryTypeOf(types), message);
        return Promise.resolve(signDigest(key, digest));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    toJSON: view,
  };
  Object.defineProperty(signer, NODE_INSPECT, {
    value: () => `PrivateKeySigner ${JSON.stringify(view())}`,
  });
  Object.defineProperty(signer, DENO_INSPECT, {
    value: () => `PrivateKeySigner ${JSON.stringify(view())}`,
  });
  return Object.freeze(signer);
}

/**
 * Creates a {@linkcode PeaqosClient} whose `signer` comes from its `privateKey` option (an
 * explicit `signer` wins). The flows (`registerMachine`, `pairAgent`, `rotateAgentSession`) then
 * sign with it; the key itself is never printed.
 *
 * @example
 * ```ts
 * import { createClient } from "@peaqos/peaq-os-sdk/signer";
 *
 * const client = createClient({
 *   orchestrationUrl: "http://127.0.0.1:8787",
 *   apiKey: "sk_test",
 *   privateKey: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
 * });
 * console.assert(client.signer?.address === "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
 * console.assert(!JSON.stringify(client).includes("4c0883"));
 * ```
 */
export function createClient(options: PeaqosClientOptions = {}): PeaqosClient {
  const signer = options.signer ??
    (options.privateKey === undefined ? undefined : privateKeySigner(options.privateKey));
  return new PeaqosClient({ ...options, signer });
}

/**
 * Like `PeaqosClient.fromEnv`, and also reads `PEAQOS_PRIVATE_KEY` into the client's signer.
 *
 * @example
 * ```ts ignore
 * const client = createClientFromEnv(); // PEAQOS_ORCHESTRATION_URL, PEAQOS_API_KEY, PEAQOS_PRIVATE_KEY
 * ```
 */
export function createClientFromEnv(
  env?: EnvSource,
  overrides: PeaqosClientOptions = {},
): PeaqosClient {
  const read = (name: EnvVarName) => (env ? env[name] : readRuntimeEnv(name)) || undefined;
  return createClient({
    orchestrationUrl: read("PEAQOS_ORCHESTRATION_URL"),
    apiKey: read("PEAQOS_API_KEY"),
    rpcUrl: read("PEAQOS_RPC_URL"),
    privateKey: read("PEAQOS_PRIVATE_KEY"),
    ...overrides,
  });
}
