import { assertEquals } from "@std/assert";
import fc from "fast-check";
import { hmacKey, hmacSha256, SCRATCH, sha256 } from "../../src/sha256.ts";
import { bytesToHex } from "../../src/encoding.ts";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

// Splits `bytes` into parts at the given cut points, so every block boundary case is reached.
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const point of points) {
    parts.push(bytes.subarray(at, point));
    at = point;
  }
  parts.push(bytes.subarray(at));
  return parts;
}

async function webCryptoHmac(key: Uint8Array, message: Uint8Array): Promise<string> {
  const imported = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return bytesToHex(
    new Uint8Array(await crypto.subtle.sign("HMAC", imported, new Uint8Array(message))),
  );
}

Deno.test("sha256() matches the FIPS 180-4 examples", () => {
  assertEquals(
    bytesToHex(sha256([text("")])),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assertEquals(
    bytesToHex(sha256([text("abc")])),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assertEquals(
    bytesToHex(sha256([text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")])),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("hmacSha256() matches the RFC 4231 test cases 1, 2 and 6 (a key longer than a block)", () => {
  const mac = (key: Uint8Array, message: Uint8Array) =>
    bytesToHex(hmacSha256(hmacKey(key), [message]));
  assertEquals(
    mac(new Uint8Array(20).fill(0x0b), text("Hi There")),
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  );
  assertEquals(
    mac(text("Jefe"), text("what do ya want for nothing?")),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  assertEquals(
    mac(
      new Uint8Array(131).fill(0xaa),
      text("Test Using Larger Than Block-Size Key - Hash Key First"),
    ),
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  );
});

Deno.test("sha256() equals Web Crypto's digest for any input split into any parts", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      async (bytes, cuts) => {
        const expected = bytesToHex(
          new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes))),
        );
        assertEquals(bytesToHex(sha256(split(bytes, cuts))), expected);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("hmacSha256() equals Web Crypto's HMAC for any key and message, and a key is reusable", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 1, maxLength: 150 }),
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      async (key, message, cuts) => {
        const prepared = hmacKey(key);
        const expected = await webCryptoHmac(key, message);
        assertEquals(bytesToHex(hmacSha256(prepared, split(message, cuts))), expected);
        assertEquals(bytesToHex(hmacSha256(prepared, [message])), expected);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("hmacKey() leaves no key bytes behind in the hash's shared buffers", () => {
  // A key longer than a block goes through the pending buffer too.
  for (const length of [32, 100]) {
    const secret = new Uint8Array(length).fill(0xa7);
    const mac = bytesToHex(hmacSha256(hmacKey(secret), [text("message")]));
    const key = hmacKey(secret);
    assertEquals(SCRATCH.schedule.every((word) => word === 0), true);
    assertEquals(SCRATCH.pending.every((byte) => byte === 0), true);
    // Clearing took nothing the key needs.
    assertEquals(bytesToHex(hmacSha256(key, [text("message")])), mac);
  }
});
