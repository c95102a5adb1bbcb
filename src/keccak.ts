/**
 * Internal, not a public export: keccak-256 (the pre-standard SHA-3 padding Ethereum uses) for
 * the dependency-free core, which needs it for EIP-55 address checksums only. The signer
 * subpath hashes with `@noble/hashes`; `tests/core/x402_eip712_test.ts` checks this one against it.
 *
 * @module
 */

const RATE_BYTES = 136; // 1088-bit rate of keccak-256

// Round constants and rotation offsets generated as FIPS 202 §3.2.2 and §3.2.5 define them, the
// constants split into 32-bit halves. Marked pure so bundlers drop all of it from apps that
// never hash.
const ROUND_CONSTANTS: readonly bigint[] = /* @__PURE__ */ (() => {
  const constants: bigint[] = [];
  let lfsr = 1;
  const nextBit = (): number => {
    const bit = lfsr & 1;
    lfsr = ((lfsr << 1) ^ (lfsr & 0x80 ? 0x71 : 0)) & 0xff;
    return bit;
  };
  for (let round = 0; round < 24; round++) {
    let constant = 0n;
    for (let j = 0; j < 7; j++) {
      if (nextBit()) constant |= 1n << BigInt((1 << j) - 1);
    }
    constants.push(constant);
  }
  return constants;
})();
const RC_LO = /* @__PURE__ */ Uint32Array.from(ROUND_CONSTANTS, (c) => Number(c & 0xffffffffn));
const RC_HI = /* @__PURE__ */ Uint32Array.from(ROUND_CONSTANTS, (c) => Number(c >> 32n));

const ROTATIONS: readonly number[] = /* @__PURE__ */ (() => {
  const offsets = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    offsets[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
})();

// Scratch space of `permute`, reused: a permutation runs to completion synchronously.
const cLo = /* @__PURE__ */ new Uint32Array(5);
const cHi = /* @__PURE__ */ new Uint32Array(5);
const bLo = /* @__PURE__ */ new Uint32Array(25);
const bHi = /* @__PURE__ */ new Uint32Array(25);

/**
 * Keccak-f[1600] on lanes split into 32-bit halves (`lo[i]`, `hi[i]` for lane x + 5y):
 * bigint-free, so a hash costs microseconds. Uint32Array stores wrap shifted values to 32 bits.
 */
function permute(lo: Uint32Array, hi: Uint32Array): void {
  for (let round = 0; round < 24; round++) {
    // θ: xor each column's parity into its neighbours.
    for (let x = 0; x < 5; x++) {
      cLo[x] = lo[x]! ^ lo[x + 5]! ^ lo[x + 10]! ^ lo[x + 15]! ^ lo[x + 20]!;
      cHi[x] = hi[x]! ^ hi[x + 5]! ^ hi[x + 10]! ^ hi[x + 15]! ^ hi[x + 20]!;
    }
    for (let x = 0; x < 5; x++) {
      const next = (x + 1) % 5;
      const prev = (x + 4) % 5;
      const dLo = cLo[prev]! ^ ((cLo[next]! << 1) | (cHi[next]! >>> 31));
      const dHi = cHi[prev]! ^ ((cHi[next]! << 1) | (cLo[next]! >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lo[x + y] = lo[x + y]! ^ dLo;
        hi[x + y] = hi[x + y]! ^ dHi;
      }
    }
    // ρ and π: rotate every lane and move it to (y, 2x + 3y).
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const from = x + 5 * y;
        const to = y + 5 * ((2 * x + 3 * y) % 5);
        const shift = ROTATIONS[from]!;
        const l = lo[from]!;
        const h = hi[from]!;
        if (shift === 0) {
          bLo[to] = l;
          bHi[to] = h;
        } else if (shift < 32) {
          bLo[to] = (l << shift) | (h >>> (32 - shift));
          bHi[to] = (h << shift) | (l >>> (32 - shift));
        } else if (shift === 32) {
          bLo[to] = h;
          bHi[to] = l;
        } else {
          const rest = shift - 32;
          bLo[to] = (h << rest) | (l >>> (32 - rest));
          bHi[to] = (l << rest) | (h >>> (32 - rest));
        }
      }
    }
    // χ, then ι.
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const a = ((x + 1) % 5) + y;
        const b = ((x + 2) % 5) + y;
        lo[x + y] = bLo[x + y]! ^ (~bLo[a]! & bLo[b]!);
        hi[x + y] = bHi[x + y]! ^ (~bHi[a]! & bHi[b]!);
      }
    }
    lo[0] = lo[0]! ^ RC_LO[round]!;
    hi[0] = hi[0]! ^ RC_HI[round]!;
  }
}

/**
 * keccak-256 of `data`.
 *
 * @example
 * ```ts ignore
 * keccak256(new Uint8Array()); // c5d24601…a470 as bytes
 * ```
 */
export function keccak256(data: Uint8Array): Uint8Array {
  const lo = new Uint32Array(25);
  const hi = new Uint32Array(25);
  // Multi-rate padding with keccak's domain byte 0x01 (SHA-3 would use 0x06).
  const padded = new Uint8Array(
    (Math.floor(data.length / RATE_BYTES) + 1) * RATE_BYTES,
  );
  padded.set(data);
  padded[data.length] = 0x01;
  padded[padded.length - 1]! |= 0x80;
  const word = (at: number): number =>
    padded[at]! | (padded[at + 1]! << 8) | (padded[at + 2]! << 16) |
    (padded[at + 3]! << 24);
  for (let offset = 0; offset < padded.length; offset += RATE_BYTES) {
    for (let lane = 0; lane < RATE_BYTES / 8; lane++) {
      lo[lane] = lo[lane]! ^ word(offset + lane * 8);
      hi[lane] = hi[lane]! ^ word(offset + lane * 8 + 4);
    }
    permute(lo, hi);
  }
  const out = new Uint8Array(32);
  for (let lane = 0; lane < 4; lane++) {
    for (let i = 0; i < 4; i++) {
      out[lane * 8 + i] = lo[lane]! >>> (8 * i);
      out[lane * 8 + 4 + i] = hi[lane]! >>> (8 * i);
    }
  }
  return out;
}
