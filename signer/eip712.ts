/**
 * Internal, not a public export: EIP-712 typed-data hashing (`eth_signTypedData_v4`) over
 * `@noble/hashes`: `encodeType` with its sorted dependencies, `encodeData` of atomic, dynamic,
 * struct and array members, the domain separator and the final `0x1901` digest. The signer
 * subpath signs the digest; the local sandbox (`sandbox/x402.ts`) recovers x402 signatures from
 * it, so both sides hash a payment identically (and `tests/core/x402_eip712_test.ts` checks both
 * against viem and ethers).
 *
 * @module
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { hexToBytes } from "../src/encoding.ts";
import { SignerError } from "../src/errors.ts";
import {
  primaryTypeOf,
  type TypedDataDomain,
  type TypedDataField,
  type TypedDataTypes,
} from "../src/signer.ts";

export { primaryTypeOf };

const encoder = new TextEncoder();
const DOMAIN_FIELDS: readonly TypedDataField[] = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
  { name: "salt", type: "bytes32" },
];
const UINT = /^u?int([0-9]{1,3})?$/;
const FIXED_BYTES = /^bytes([0-9]{1,2})$/;
const ARRAY = /^(.+)\[([0-9]*)\]$/;

function invalid(path: string, constraint: string): SignerError {
  return new SignerError(path, constraint);
}

function hexBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const bytes = typeof value === "string" && value.startsWith("0x") ? hexToBytes(value) : undefined;
  if (bytes === undefined) throw invalid(path, "0x-prefixed hex bytes");
  return bytes;
}

function integer(value: unknown, path: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^(-?[0-9]+|0x[0-9a-fA-F]+)$/.test(value)) return BigInt(value);
  throw invalid(path, "an integer (bigint, safe integer number, or decimal or 0x string)");
}

function word(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let rest = BigInt.asUintN(256, value);
  for (let i = 31; i >= 0 && rest > 0n; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function dependencies(types: TypedDataTypes, name: string, found: Set<string>): Set<string> {
  if (found.has(name) || types[name] === undefined) return found;
  found.add(name);
  for (const field of types[name]) {
    dependencies(types, field.type.replace(/(\[[0-9]*\])+$/, ""), found);
  }
  return found;
}

/**
 * `encodeType` of EIP-712: the primary type, then its dependencies sorted by name, e.g.
 * `Mail(Person from,Person to,string contents)Person(string name,address wallet)`.
 *
 * @example
 * ```ts ignore
 * encodeType({ Person: [{ name: "name", type: "string" }] }, "Person"); // "Person(string name)"
 * ```
 */
export function encodeType(types: TypedDataTypes, primaryType: string): string {
  const [primary, ...rest] = [...dependencies(types, primaryType, new Set())];
  if (primary === undefined) throw invalid("primaryType", `a type of 'types': '${primaryType}'`);
  return [primary, ...rest.sort()]
    .map((name) => `${name}(${types[name]!.map((f) => `${f.type} ${f.name}`).join(",")})`)
    .join("");
}

function encodeValue(
  types: TypedDataTypes,
  type: string,
  value: unknown,
  path: string,
): Uint8Array {
  const array = ARRAY.exec(type);
  if (array) {
    const length = array[2] === "" ? undefined : Number(array[2]);
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      throw invalid(path, `an array${length === undefined ? "" : ` of ${length}`} for '${type}'`);
    }
    const items = value.map((item, i) => encodeValue(types, array[1]!, item, `${path}[${i}]`));
    return keccak_256(concat(items));
  }
  if (types[type] !== undefined) return hashStruct(types, type, value, path);
  if (type === "address") {
    if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
      throw invalid(path, "a 0x-prefixed 20-byte hex address");
    }
    return word(BigInt(value));
  }
  if (type === "bool") {
    if (typeof value !== "boolean") throw invalid(path, "a boolean");
    return word(value ? 1n : 0n);
  }
  if (type === "string") {
    if (typeof value !== "string") throw invalid(path, "a string");
    return keccak_256(encoder.encode(value));
  }
  if (type === "bytes") return keccak_256(hexBytes(value, path));
  const fixed = FIXED_BYTES.exec(type);
  if (fixed) {
    const size = Number(fixed[1]);
    const bytes = hexBytes(value, path);
    if (size < 1 || size > 32 || bytes.length !== size) throw invalid(path, `${size} bytes of hex`);
    const out = new Uint8Array(32);
    out.set(bytes);
    return out;
  }
  const numeric = UINT.exec(type);
  if (numeric) {
    const bits = Number(numeric[1] ?? 256);
    const signed = !type.startsWith("u");
    const n = integer(value, path);
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    if (bits < 8 || bits > 256 || bits % 8 !== 0 || n < min || n > max) {
      throw invalid(path, `an integer in the range of '${type}'`);
    }
    return word(n);
  }
  throw invalid(path, `a value of a known EIP-712 type: '${type}' is not one`);
}

/**
 * `hashStruct` of EIP-712: keccak256(typeHash || encodeData(value)).
 *
 * @example
 * ```ts ignore
 * hashStruct(types, "TransferWithAuthorization", message); // 32 bytes
 * ```
 */
export function hashStruct(
  types: TypedDataTypes,
  primaryType: string,
  value: unknown,
  path = "message",
): Uint8Array {
  if (value === null || typeof value !== "object") throw invalid(path, `a '${primaryType}' object`);
  const record = value as Readonly<Record<string, unknown>>;
  const fields = types[primaryType] ?? [];
  return keccak_256(concat([
    keccak_256(encoder.encode(encodeType(types, primaryType))),
    ...fields.map((field) =>
      encodeValue(types, field.type, record[field.name], `${path}.${field.name}`)
    ),
  ]));
}

/**
 * The domain separator: `hashStruct(EIP712Domain, domain)` with `EIP712Domain` made of the
 * domain's present fields, in the canonical order viem and ethers use.
 *
 * @example
 * ```ts ignore
 * domainSeparator({ name: "USD Coin", version: "2", chainId: 8453, verifyingContract }); // 32 bytes
 * ```
 */
export function domainSeparator(domain: TypedDataDomain): Uint8Array {
  const record = domain as Readonly<Record<string, unknown>>;
  const fields = DOMAIN_FIELDS.filter((field) => record[field.name] !== undefined);
  return hashStruct({ EIP712Domain: fields }, "EIP712Domain", domain, "domain");
}

/**
 * The digest an EIP-712 signature signs: keccak256(0x19 0x01 || domainSeparator ||
 * hashStruct(message)). Bad input throws {@linkcode SignerError}.
 *
 * @example
 * ```ts ignore
 * const digest = hashTypedData(domain, types, "TransferWithAuthorization", message);
 * ```
 */
export function hashTypedData(
  domain: TypedDataDomain,
  types: TypedDataTypes,
  primaryType: string,
  message: unknown,
): Uint8Array {
  const wellFormed = types !== null && typeof types === "object" && !("EIP712Domain" in types) &&
    Object.values(types).every((fields) =>
      Array.isArray(fields) &&
      fields.every((field) => typeof field?.name === "string" && typeof field?.type === "string")
    );
  if (!wellFormed) {
    throw invalid("types", "EIP-712 struct types by name, without 'EIP712Domain'");
  }
  if (domain === null || typeof domain !== "object") throw invalid("domain", "an object");
  return keccak_256(concat([
    new Uint8Array([0x19, 0x01]),
    domainSeparator(domain),
    hashStruct(types, primaryType, message),
  ]));
}
