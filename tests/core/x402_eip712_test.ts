import { assert, assertEquals, assertFalse, assertRejects } from "@std/assert";
import { keccak_256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import { TypedDataEncoder, Wallet } from "ethers";
import { getAddress, hashTypedData as viemHashTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { SignerError, type TypedDataDomain, type TypedDataTypes } from "../../mod.ts";
import { bytesToHex } from "../../src/encoding.ts";
import { encodeType, hashTypedData } from "../../signer/eip712.ts";
import { privateKeySigner } from "../../signer/mod.ts";
import { keccak256 } from "../../src/keccak.ts";
import { checksumAddress, isAddress, parseAddress } from "../../src/address.ts";
import { randomKey } from "../_x402.ts";

const hex = (bytes: Uint8Array) => `0x${bytesToHex(bytes)}`;

const TRANSFER: TypedDataTypes = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

// The EIP-712 specification's example, extended with arrays and every atomic kind.
const MAIL: TypedDataTypes = {
  Mail: [
    { name: "from", type: "Person" },
    { name: "to", type: "Person[]" },
    { name: "contents", type: "string" },
    { name: "attachment", type: "bytes" },
    { name: "tag", type: "bytes4" },
    { name: "urgent", type: "bool" },
    { name: "delta", type: "int64" },
    { name: "grid", type: "uint8[2][]" },
  ],
  Person: [
    { name: "name", type: "string" },
    { name: "wallet", type: "address" },
  ],
};

const mail = {
  from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
  to: [
    { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
    { name: "Alice ✓", wallet: "0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa" },
  ],
  contents: "Hello, Bob!",
  attachment: "0xdeadbeef",
  tag: "0x01020304",
  urgent: true,
  delta: -42n,
  grid: [[1, 2], [3, 255]],
};

const MAIL_DOMAIN: TypedDataDomain = {
  name: "Ether Mail",
  version: "1",
  chainId: 1,
  verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
  salt: `0x${"12".repeat(32)}`,
};

const arbitraryAuthorization = fc.record({
  from: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(hex(b))),
  to: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(hex(b))),
  value: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  validAfter: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  validBefore: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex),
});
const arbitraryDomain = fc.record({
  name: fc.string(),
  version: fc.string(),
  chainId: fc.integer({ min: 1, max: 2 ** 40 }),
  verifyingContract: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(hex(b))),
});

Deno.test("hashTypedData() matches viem and ethers on EIP-3009 authorizations", () => {
  fc.assert(
    fc.property(arbitraryDomain, arbitraryAuthorization, (domain, message) => {
      const ours = hex(hashTypedData(domain, TRANSFER, "TransferWithAuthorization", message));
      assertEquals(
        ours,
        viemHashTypedData({
          domain,
          types: TRANSFER,
          primaryType: "TransferWithAuthorization",
          message,
        }),
      );
      assertEquals(
        ours,
        TypedDataEncoder.hash(domain, { ...TRANSFER } as never, message),
      );
    }),
    { numRuns: 100 },
  );
});

Deno.test("hashTypedData() matches viem and ethers on nested structs, arrays and every atomic kind", () => {
  assertEquals(
    encodeType(MAIL, "Mail"),
    "Mail(Person from,Person[] to,string contents,bytes attachment,bytes4 tag,bool urgent,int64 delta,uint8[2][] grid)Person(string name,address wallet)",
  );
  const ours = hex(hashTypedData(MAIL_DOMAIN, MAIL, "Mail", mail));
  assertEquals(
    ours,
    viemHashTypedData({
      domain: MAIL_DOMAIN,
      types: MAIL,
      primaryType: "Mail",
      message: mail as never,
    }),
  );
  assertEquals(ours, TypedDataEncoder.hash(MAIL_DOMAIN, MAIL as never, mail));
  // A domain with fewer fields has a shorter EIP712Domain type.
  for (const domain of [{ name: "x" }, { chainId: 5 }, {}] as TypedDataDomain[]) {
    assertEquals(
      hex(hashTypedData(domain, MAIL, "Mail", mail)),
      viemHashTypedData({ domain, types: MAIL, primaryType: "Mail", message: mail as never }),
    );
  }
});

Deno.test("privateKeySigner().signTypedData() signs byte for byte like viem and ethers", async () => {
  const samples = fc.sample(fc.tuple(arbitraryDomain, arbitraryAuthorization), 10);
  for (const [domain, message] of samples) {
    const key = randomKey();
    const ours = await privateKeySigner(key).signTypedData(domain, TRANSFER, message);
    const viem = await privateKeyToAccount(key).signTypedData({
      domain,
      types: TRANSFER,
      primaryType: "TransferWithAuthorization",
      message,
    });
    const ethers = await new Wallet(key).signTypedData(domain, { ...TRANSFER } as never, message);
    assertEquals(ours, viem);
    assertEquals(ours, ethers);
  }
  const key = randomKey();
  assertEquals(
    await privateKeySigner(key).signTypedData(MAIL_DOMAIN, MAIL, mail),
    await new Wallet(key).signTypedData(MAIL_DOMAIN, MAIL as never, mail),
  );
});

Deno.test("privateKeySigner().signTypedData() rejects typed data it cannot encode", async () => {
  const signer = privateKeySigner(randomKey());
  const message = {
    from: signer.address,
    to: signer.address,
    value: 1n,
    validAfter: 0n,
    validBefore: 1n,
    nonce: `0x${"00".repeat(32)}`,
  };
  const cases: [string, () => Promise<string>, string][] = [
    [
      "value over uint256",
      () => signer.signTypedData({}, TRANSFER, { ...message, value: 1n << 256n }),
      "message.value",
    ],
    [
      "negative uint",
      () => signer.signTypedData({}, TRANSFER, { ...message, value: -1n }),
      "message.value",
    ],
    [
      "decimal string",
      () => signer.signTypedData({}, TRANSFER, { ...message, value: "1.5" }),
      "message.value",
    ],
    [
      "short nonce",
      () => signer.signTypedData({}, TRANSFER, { ...message, nonce: "0x01" }),
      "message.nonce",
    ],
    [
      "bad address",
      () => signer.signTypedData({}, TRANSFER, { ...message, to: "0x12" }),
      "message.to",
    ],
    [
      "unknown type",
      () => signer.signTypedData({}, { T: [{ name: "x", type: "uint7" }] }, { x: 1 }),
      "message.x",
    ],
    ["two primary types", () => signer.signTypedData({}, { A: [], B: [] }, {}), "types"],
    [
      "EIP712Domain given",
      () => signer.signTypedData({}, { ...TRANSFER, EIP712Domain: [] }, message),
      "types",
    ],
    [
      "bad chainId",
      () => signer.signTypedData({ chainId: 1.5 as never }, TRANSFER, message),
      "domain.chainId",
    ],
  ];
  for (const [name, run, field] of cases) {
    const error = await assertRejects(run, SignerError);
    assertEquals(error.field, field, name);
  }
});

Deno.test("keccak256() of the core matches @noble/hashes at every padding boundary", () => {
  for (const length of [0, 1, 55, 56, 135, 136, 137, 271, 272, 273, 1000]) {
    const data = crypto.getRandomValues(new Uint8Array(length));
    assertEquals(hex(keccak256(data)), hex(keccak_256(data)), String(length));
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
      assertEquals(hex(keccak256(data)), hex(keccak_256(data)));
    }),
    { numRuns: 200 },
  );
});

Deno.test("checksumAddress(), isAddress() and parseAddress() agree with viem's getAddress", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
      const lower = hex(bytes);
      const checksummed = getAddress(lower);
      assertEquals(checksumAddress(lower), checksummed);
      assertEquals(checksumAddress(lower.toUpperCase().replace("0X", "0x")), checksummed);
      assert(isAddress(lower));
      assert(isAddress(checksummed));
      assertEquals(parseAddress(lower), checksummed);
      assertEquals(parseAddress(checksummed), checksummed);
    }),
    { numRuns: 200 },
  );
  const valid = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  assert(isAddress(valid));
  assertFalse(isAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
  assertFalse(isAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"));
  assertFalse(isAddress("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
  assertFalse(isAddress(42));
  assertEquals(parseAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), undefined);
  assertEquals(parseAddress("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"), valid);
  assertEquals(parseAddress(null), undefined);
});
