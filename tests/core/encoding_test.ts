/**
 * `src/encoding.ts` and `src/constant_time.ts`, the one home of base64, base64url, hex and
 * secret comparison for the core, the signer, the sandbox and the Worker: round trips against
 * the platform's own `btoa`, and the canonical-spelling rule of the decoders.
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals, assertFalse } from "@std/assert";
import { constantTimeEqual } from "../../src/constant_time.ts";
import {
  bytesToHex,
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  hexToBytes,
} from "../../src/encoding.ts";
import { fuzzParams } from "../_fuzz.ts";

const bytes = fc.uint8Array({ maxLength: 64 });

Deno.test("encodeBase64() writes what btoa writes and decodeBase64() reads it back", () => {
  fc.assert(
    fc.property(bytes, (input) => {
      const text = encodeBase64(input);
      assertEquals(text, btoa(String.fromCharCode(...input)));
      assertEquals(decodeBase64(text), input);
    }),
    fuzzParams(500),
  );
});

Deno.test("encodeBase64Url() is unpadded base64url and decodeBase64Url() reads it back", () => {
  fc.assert(
    fc.property(bytes, (input) => {
      const text = encodeBase64Url(input);
      assert(/^[A-Za-z0-9_-]*$/.test(text));
      assertEquals(
        text,
        encodeBase64(input).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
      );
      assertEquals(decodeBase64Url(text), input);
    }),
    fuzzParams(500),
  );
});

Deno.test("decodeBase64() refuses every spelling but the canonical one", () => {
  assertEquals(decodeBase64("aGk="), new Uint8Array([104, 105]));
  for (const text of ["aGl=", "aGk", "aGk==", " aGk=", "aGk=\n", "aG-=", "a", "aGk=aGk="]) {
    assertEquals(decodeBase64(text), undefined, text);
  }
  assertEquals(decodeBase64(""), new Uint8Array());
});

Deno.test("decodeBase64Url() refuses padding, the base64 alphabet and re-spelled low bits", () => {
  assertEquals(decodeBase64Url("-_8"), new Uint8Array([251, 255]));
  for (const text of ["-_9", "-_8=", "+/8", "a", "ab c"]) {
    assertEquals(decodeBase64Url(text), undefined, text);
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), (input) => {
      const text = encodeBase64Url(input);
      if (text.length % 4 === 0) return;
      // The last character carries unused low bits; any other spelling of them is refused.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(text.at(-1)!);
      const unused = text.length % 4 === 2 ? 4 : 2;
      for (let low = 1; low < 1 << unused; low++) {
        const respelled = text.slice(0, -1) + alphabet[last | low];
        assertEquals(decodeBase64Url(respelled), undefined, respelled);
      }
    }),
    fuzzParams(200),
  );
});

Deno.test("bytesToHex() and hexToBytes() round-trip, with or without 0x, in any case", () => {
  fc.assert(
    fc.property(bytes, (input) => {
      const hex = bytesToHex(input);
      assert(/^([0-9a-f]{2})*$/.test(hex));
      assertEquals(hexToBytes(hex), input);
      assertEquals(hexToBytes(`0x${hex.toUpperCase()}`), input);
      assertEquals(hexToBytes(`0X${hex}`), input);
    }),
    fuzzParams(500),
  );
  for (const text of ["0x1", "abc", "0xzz", "x01", " 01", "0x0x01"]) {
    assertEquals(hexToBytes(text), undefined, text);
  }
});

Deno.test("constantTimeEqual() is equality of bytes, strings compared as UTF-8", () => {
  assert(constantTimeEqual("sk_test_1", "sk_test_1"));
  assert(constantTimeEqual("", ""));
  assertFalse(constantTimeEqual("sk_test_1", "sk_test_2"));
  // A prefix is not equal: the length difference counts, without an early exit.
  assertFalse(constantTimeEqual("sk_test", "sk_test_1"));
  assertFalse(constantTimeEqual("sk_test_1", "sk_test"));
  assertFalse(constantTimeEqual("a", "a\0"));
  assert(constantTimeEqual("é", new Uint8Array([0xc3, 0xa9])));
  fc.assert(
    fc.property(bytes, bytes, (a, b) => {
      assertEquals(constantTimeEqual(a, b), bytesToHex(a) === bytesToHex(b));
      assert(constantTimeEqual(a, new Uint8Array(a)));
    }),
    fuzzParams(500),
  );
});
