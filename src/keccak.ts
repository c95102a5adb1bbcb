/**
 * Internal, not a public export: keccak-256 (the pre-standard SHA-3 padding Ethereum uses) for
 * the dependency-free core, which needs it for EIP-55 address checksums only. It favours
 * plainness over speed (64-bit lanes as bigints); the signer subpath hashes with
 * `@noble/hashes`, and `tests/x402_keccak_test.ts` checks this one against it.
 *
 * @module
 */

const MASK = (1n << 64n) - 1n;
const RATE_BYTES = 136; // 1088-bit rate of keccak-256

// Round constants and rotation offsets generated as FIPS 202 §3.2.2 and §3.2.5 define them.
const ROUND_CONSTANTS: readonly bigint[] = (() => {
  const constants: bigint[] = [];
  let lfsr = 1;
  const nextBit = (): number => {
    const bit = lfsr & 1;
    lfsr = (lfsr << 1) ^ (lfsr & 0x80 ? 0x71 : 0);
    lfsr &= 0xff;
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

const ROTATIONS: readonly number[] = (() => {
  const offsets = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    offsets[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
})();

function rotl(lane: bigint, shift: number): bigint {
  if (shift === 0) return lane;
  return ((lane << BigInt(shift)) | (lane >> BigInt(64 - shift))) & MASK;
}

function permute(state: bigint[]): void {
  const c = new Array<bigint>(5);
  const b = new Array<bigint>(25);
  for (const constant of ROUND_CONSTANTS) {
    for (let x = 0; x < 5; x++) {
      c[x] = state[x]! ^ state[x + 5]! ^ state[x + 10]! ^ state[x + 15]! ^ state[x + 20]!;
    }
    for (let x = 0; x < 5; x++) {
      const d = c[(x + 4) % 5]! ^ rotl(c[(x + 1) % 5]!, 1);
      for (let y = 0; y < 25; y += 5) state[x + y] = state[x + y]! ^ d;
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(state[x + 5 * y]!, ROTATIONS[x + 5 * y]!);
      }
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        state[x + y] = b[x + y]! ^ (~b[((x + 1) % 5) + y]! & MASK & b[((x + 2) % 5) + y]!);
      }
    }
    state[0] = state[0]! ^ constant;
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
  const state = new Array<bigint>(25).fill(0n);
  // Multi-rate padding with keccak's domain byte 0x01 (SHA-3 would use 0x06).
  const padded = new Uint8Array((Math.floor(data.length / RATE_BYTES) + 1) * RATE_BYTES);
  padded.set(data);
  padded[data.length] = 0x01;
  padded[padded.length - 1]! |= 0x80;
  for (let offset = 0; offset < padded.length; offset += RATE_BYTES) {
    for (let lane = 0; lane < RATE_BYTES / 8; lane++) {
      let value = 0n;
      for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(padded[offset + lane * 8 + i]!);
      state[lane] = state[lane]! ^ value;
    }
    permute(state);
  }
  const out = new Uint8Array(32);
  for (let lane = 0; lane < 4; lane++) {
    let value = state[lane]!;
    for (let i = 0; i < 8; i++) {
      out[lane * 8 + i] = Number(value & 0xffn);
      value >>= 8n;
    }
  }
  return out;
}
