/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) in plain JavaScript, synchronous. Webhook bodies are a
 * few kilobytes, and for those a synchronous hash beats Web Crypto, whose every call is an
 * asynchronous round trip to the runtime (see BENCHMARKS.md, "Webhooks"); Web Crypto stays
 * the path for large bodies. Every step is data-independent integer arithmetic: no branch or
 * table lookup depends on the key or the message.
 *
 * @module
 */

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = /* @__PURE__ */ new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
const INITIAL = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
] as const;

const W = /* @__PURE__ */ new Int32Array(64);

/** Mixes the 64-byte blocks of `bytes` from `offset` to `end` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number, end: number): void {
  let a0 = state[0]!, b0 = state[1]!, c0 = state[2]!, d0 = state[3]!;
  let e0 = state[4]!, f0 = state[5]!, g0 = state[6]!, h0 = state[7]!;
  for (let p = offset; p < end; p += 64) {
    for (let i = 0; i < 16; i++) {
      const j = p + i * 4;
      W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15]!, y = W[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = a0, b = b0, c = c0, d = d0, e = e0, f = f0, g = g0, h = h0;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + (g ^ (e & (f ^ g))) + K[i]! + W[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) | (c & (a | b)))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
    e0 = (e0 + e) | 0;
    f0 = (f0 + f) | 0;
    g0 = (g0 + g) | 0;
    h0 = (h0 + h) | 0;
  }
  state[0] = a0;
  state[1] = b0;
  state[2] = c0;
  state[3] = d0;
  state[4] = e0;
  state[5] = f0;
  state[6] = g0;
  state[7] = h0;
}

// One block of input not yet absorbed, and its padding. Hashing is synchronous, so one will do.
const PENDING = /* @__PURE__ */ new Uint8Array(128);

/**
 * Finishes a hash whose `start` state has absorbed `done` bytes already (a multiple of 64):
 * absorbs `parts` in order, whole blocks straight from each part, pads, and returns the
 * 32-byte digest. `start` is not changed.
 */
function finish(start: Int32Array, done: number, parts: readonly Uint8Array[]): Uint8Array {
  const state = start.slice();
  let pending = 0;
  let total = done;
  for (const part of parts) {
    total += part.length;
    let at = 0;
    if (pending > 0) {
      at = Math.min(64 - pending, part.length);
      PENDING.set(part.subarray(0, at), pending);
      pending += at;
      if (pending < 64) continue;
      compress(state, PENDING, 0, 64);
      pending = 0;
    }
    const whole = at + ((part.length - at) & ~63);
    compress(state, part, at, whole);
    PENDING.set(part.subarray(whole), 0);
    pending = part.length - whole;
  }
  // Padding: 0x80, zeros, then the length in bits as a big-endian 64-bit number.
  const padded = pending + 9 > 64 ? 128 : 64;
  PENDING.fill(0, pending, padded);
  PENDING[pending] = 0x80;
  const bits = total * 8;
  const high = Math.floor(bits / 0x100000000);
  const low = bits >>> 0;
  for (let i = 0; i < 4; i++) {
    PENDING[padded - 8 + i] = high >>> (24 - 8 * i);
    PENDING[padded - 4 + i] = low >>> (24 - 8 * i);
  }
  compress(state, PENDING, 0, padded);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    digest[i * 4] = word >>> 24;
    digest[i * 4 + 1] = word >>> 16;
    digest[i * 4 + 2] = word >>> 8;
    digest[i * 4 + 3] = word;
  }
  return digest;
}

/**
 * The module's shared work buffers (the message schedule and the pending block), exported for the
 * tests that check {@linkcode hmacKey} clears them.
 *
 * @internal
 */
export const SCRATCH: { readonly schedule: Int32Array; readonly pending: Uint8Array } = {
  schedule: W,
  pending: PENDING,
};

/** The states after the HMAC key's inner and outer pads: computed once per key. */
export type HmacKey = { readonly inner: Int32Array; readonly outer: Int32Array };

/**
 * Prepares `key` for {@linkcode hmacSha256}: hashes a key longer than a block, then absorbs the
 * inner and outer pads, so each MAC afterwards hashes only the message.
 *
 * @example
 * ```ts ignore
 * const key = hmacKey(new TextEncoder().encode("secret"));
 * const mac = hmacSha256(key, [new TextEncoder().encode("message")]);
 * ```
 */
export function hmacKey(secret: Uint8Array): HmacKey {
  const block = new Uint8Array(64);
  block.set(secret.length > 64 ? sha256([secret]) : secret);
  const pad = (byte: number): Int32Array => {
    const padded = block.map((b) => b ^ byte);
    const state = new Int32Array(INITIAL);
    compress(state, padded, 0, 64);
    padded.fill(0);
    return state;
  };
  const key = { inner: pad(0x36), outer: pad(0x5c) };
  // The shared buffers last held the key's words: clear them, and the copy.
  block.fill(0);
  W.fill(0);
  PENDING.fill(0);
  return key;
}

/**
 * HMAC-SHA256 of the concatenation of `parts` under a key from {@linkcode hmacKey}.
 *
 * @example
 * ```ts ignore
 * const mac = hmacSha256(hmacKey(secretBytes), [prefixBytes, bodyBytes]);
 * ```
 */
export function hmacSha256(key: HmacKey, parts: readonly Uint8Array[]): Uint8Array {
  return finish(key.outer, 64, [finish(key.inner, 64, parts)]);
}

/**
 * SHA-256 of the concatenation of `parts`.
 *
 * @example
 * ```ts ignore
 * const digest = sha256([new TextEncoder().encode("abc")]);
 * ```
 */
export function sha256(parts: readonly Uint8Array[]): Uint8Array {
  return finish(new Int32Array(INITIAL), 0, parts);
}
