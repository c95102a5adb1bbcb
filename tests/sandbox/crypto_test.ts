/**
 * The sandbox's cryptography against published vectors: EIP-191 `personal_sign` recovery
 * (secp256k1 + keccak-256), EIP-55 checksums, HS256 JWTs and opaque cursors.
 */
import { assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import {
  addressFromPrivateKey,
  recoverPersonalSignAddress,
  sameAddress,
  sha256Hex,
  signJwt,
  signPersonalMessage,
  toChecksumAddress,
  verifyJwt,
} from "../../sandbox/crypto.ts";
import { decodeCursor, encodeCursor } from "../../sandbox/pagination.ts";

// web3.js documentation vector for `web3.eth.accounts.sign("Some data", key)`.
const WEB3_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const WEB3_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
const WEB3_SIGNATURE = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd" +
  "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";

Deno.test("signPersonalMessage() reproduces the web3.js personal_sign vector", () => {
  assertEquals(addressFromPrivateKey(WEB3_KEY), WEB3_ADDRESS);
  assertEquals(signPersonalMessage(WEB3_KEY, "Some data"), WEB3_SIGNATURE);
});

Deno.test("recoverPersonalSignAddress() recovers the web3.js vector's signer and nobody else", () => {
  assertEquals(recoverPersonalSignAddress("Some data", WEB3_SIGNATURE), WEB3_ADDRESS);
  assertNotEquals(recoverPersonalSignAddress("Some datA", WEB3_SIGNATURE), WEB3_ADDRESS);
  // v = 0/1 is the same signature as v = 27/28.
  assertEquals(
    recoverPersonalSignAddress("Some data", WEB3_SIGNATURE.slice(0, -2) + "01"),
    WEB3_ADDRESS,
  );
  // A v of 29 is not a recovery id.
  assertEquals(
    recoverPersonalSignAddress("Some data", WEB3_SIGNATURE.slice(0, -2) + "1d"),
    undefined,
  );
  // Wrong lengths, non-hex, r = 0.
  assertEquals(recoverPersonalSignAddress("Some data", WEB3_SIGNATURE.slice(0, -4)), undefined);
  assertEquals(recoverPersonalSignAddress("Some data", "0x" + "zz".repeat(65)), undefined);
  assertEquals(recoverPersonalSignAddress("Some data", "0x" + "00".repeat(64) + "1b"), undefined);
});

Deno.test("recoverPersonalSignAddress() refuses the malleable high-s twin of a valid signature", () => {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const r = WEB3_SIGNATURE.slice(2, 66);
  const s = BigInt("0x" + WEB3_SIGNATURE.slice(66, 130));
  const v = parseInt(WEB3_SIGNATURE.slice(130), 16);
  const twin = "0x" + r + (n - s).toString(16).padStart(64, "0") + (v === 27 ? "1c" : "1b");
  assertEquals(recoverPersonalSignAddress("Some data", twin), undefined);
});

Deno.test("toChecksumAddress() matches the EIP-55 examples; sameAddress() ignores case", () => {
  for (
    const address of [
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]
  ) {
    assertEquals(toChecksumAddress(address.toLowerCase()), address);
    assertEquals(sameAddress(address, address.toUpperCase().replace("0X", "0x")), true);
  }
  assertEquals(sameAddress(WEB3_ADDRESS, "0x2c7536"), false);
  assertThrows(() => addressFromPrivateKey("0x1234"), TypeError);
});

Deno.test("signJwt()/verifyJwt() round-trip HS256 and refuse tampering, other keys, alg none and expiry", async () => {
  const secret = new TextEncoder().encode("s3cret");
  const token = await signJwt({ pairingId: "ap_1", exp: 2_000 }, secret);
  assertEquals(await verifyJwt(token, secret, 1_999_000), {
    ok: true,
    claims: { pairingId: "ap_1", exp: 2_000 },
  });
  assertEquals(await verifyJwt(token, secret, 2_000_000), { ok: false, reason: "expired" });
  assertEquals(
    await verifyJwt(token, new TextEncoder().encode("other"), 0),
    { ok: false, reason: "signature" },
  );
  const [header, payload, mac] = token.split(".") as [string, string, string];
  const otherPayload = btoa(JSON.stringify({ pairingId: "ap_2", exp: 2_000 })).replace(/=+$/, "");
  assertEquals(await verifyJwt(`${header}.${otherPayload}.${mac}`, secret, 0), {
    ok: false,
    reason: "signature",
  });
  const none = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "");
  assertEquals(await verifyJwt(`${none}.${payload}.`, secret, 0), {
    ok: false,
    reason: "malformed",
  });
  assertEquals(await verifyJwt("a.b", secret, 0), { ok: false, reason: "malformed" });
  const noExp = await signJwt({ exp: Number.NaN }, secret);
  assertEquals(await verifyJwt(noExp, secret, 0), { ok: false, reason: "malformed" });
});

Deno.test("verifyJwt() accepts only the canonical base64url spelling of each part", async () => {
  const secret = new TextEncoder().encode("s3cret");
  const token = await signJwt({ pairingId: "ap_1", exp: 2_000 }, secret);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const respell = (part: string) =>
    part.slice(0, -1) + alphabet[alphabet.indexOf(part.at(-1)!) ^ 1];
  const [header, payload, mac] = token.split(".") as [string, string, string];
  // The MAC (43 characters: 2 unused low bits) and a payload of the right length re-spelled.
  assertEquals(await verifyJwt(`${header}.${payload}.${respell(mac)}`, secret, 0), {
    ok: false,
    reason: "malformed",
  });
  if (payload.length % 4 !== 0) {
    const result = await verifyJwt(`${header}.${respell(payload)}.${mac}`, secret, 0);
    assertEquals(result.ok, false);
  }
  // Padding is not part of the spelling either.
  assertEquals((await verifyJwt(`${token}=`, secret, 0)).ok, false);
  assertEquals((await verifyJwt(token, secret, 0)).ok, true);
});

Deno.test("sha256Hex() matches the FIPS 180-2 'abc' vector", async () => {
  assertEquals(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("encodeCursor()/decodeCursor() round-trip and refuse foreign cursors", () => {
  for (const seq of [0, 1, 42, 123_456_789]) assertEquals(decodeCursor(encodeCursor(seq)), seq);
  // The last entry re-spells a valid cursor in its unused low bits.
  const valid = encodeCursor(7);
  const respelled = valid.slice(0, -1) +
    String.fromCharCode(valid.charCodeAt(valid.length - 1) + 1);
  for (const bad of ["", "42", "bm9wZQ", encodeCursor(1) + "!", "YzE6LTE", respelled]) {
    assertThrows(() => decodeCursor(bad));
  }
});
