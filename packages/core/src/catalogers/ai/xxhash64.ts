/*
 * XXH64 (seed 0), as Syft hashes a GGUF file's metadata (github.com/cespare/xxhash/v2). Written here
 * because no dependency of this package offers it and Node's crypto has no xxHash. A 64-bit lane is
 * held as two unsigned 32-bit halves (`hi`, `lo`) so the hash runs in plain number arithmetic,
 * linear in the input, with no BigInt per byte.
 */

interface U64 {
  hi: number;
  lo: number;
}

const P1: U64 = { hi: 0x9e3779b1, lo: 0x85ebca87 };
const P2: U64 = { hi: 0xc2b2ae3d, lo: 0x27d4eb4f };
const P3: U64 = { hi: 0x165667b1, lo: 0x9e3779f9 };
const P4: U64 = { hi: 0x85ebca77, lo: 0xc2b2ae63 };
const P5: U64 = { hi: 0x27d4eb2f, lo: 0x165667c5 };

const u64 = (hi: number, lo: number): U64 => ({ hi: hi >>> 0, lo: lo >>> 0 });

function add(a: U64, b: U64): U64 {
  const lo = a.lo + b.lo;
  return u64(a.hi + b.hi + (lo > 0xffffffff ? 1 : 0), lo);
}

function sub(a: U64, b: U64): U64 {
  const lo = a.lo - b.lo;
  return u64(a.hi - b.hi - (lo < 0 ? 1 : 0), lo);
}

function xor(a: U64, b: U64): U64 {
  return u64(a.hi ^ b.hi, a.lo ^ b.lo);
}

/** The low 64 bits of a × b. */
function mul(a: U64, b: U64): U64 {
  const a0 = a.lo & 0xffff;
  const a1 = a.lo >>> 16;
  const b0 = b.lo & 0xffff;
  const b1 = b.lo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + Math.floor(p01 / 0x10000) + Math.floor(p10 / 0x10000) + Math.floor(mid / 0x10000);
  const lo = ((mid & 0xffff) * 0x10000 + (p00 & 0xffff)) >>> 0;
  return u64(carry + Math.imul(a.hi, b.lo) + Math.imul(a.lo, b.hi), lo);
}

function rotl(a: U64, n: number): U64 {
  if (n === 0) return a;
  if (n >= 32) return rotl(u64(a.lo, a.hi), n - 32);
  return u64((a.hi << n) | (a.lo >>> (32 - n)), (a.lo << n) | (a.hi >>> (32 - n)));
}

function shr(a: U64, n: number): U64 {
  if (n >= 32) return u64(0, a.hi >>> (n - 32));
  return u64(a.hi >>> n, (a.lo >>> n) | (a.hi << (32 - n)));
}

const read64 = (data: Uint8Array, at: number): U64 => u64(read32(data, at + 4), read32(data, at));
const read32 = (data: Uint8Array, at: number): number => ((data[at] ?? 0) | ((data[at + 1] ?? 0) << 8) | ((data[at + 2] ?? 0) << 16) | ((data[at + 3] ?? 0) << 24)) >>> 0;

function round(acc: U64, lane: U64): U64 {
  return mul(rotl(add(acc, mul(lane, P2)), 31), P1);
}

function mergeRound(acc: U64, value: U64): U64 {
  return add(mul(xor(acc, round(u64(0, 0), value)), P1), P4);
}

/** XXH64 of `data` with seed 0, as 16 lowercase hex digits. */
export function xxhash64(data: Uint8Array): string {
  const length = data.length;
  let at = 0;
  let acc: U64;
  if (length >= 32) {
    let v1 = add(P1, P2);
    let v2 = P2;
    let v3 = u64(0, 0);
    let v4 = sub(u64(0, 0), P1);
    for (; at + 32 <= length; at += 32) {
      v1 = round(v1, read64(data, at));
      v2 = round(v2, read64(data, at + 8));
      v3 = round(v3, read64(data, at + 16));
      v4 = round(v4, read64(data, at + 24));
    }
    acc = add(add(rotl(v1, 1), rotl(v2, 7)), add(rotl(v3, 12), rotl(v4, 18)));
    for (const v of [v1, v2, v3, v4]) acc = mergeRound(acc, v);
  } else acc = P5;
  acc = add(acc, u64(Math.floor(length / 0x100000000), length));
  for (; at + 8 <= length; at += 8) acc = add(mul(rotl(xor(acc, round(u64(0, 0), read64(data, at))), 27), P1), P4);
  if (at + 4 <= length) {
    acc = add(mul(rotl(xor(acc, mul(u64(0, read32(data, at)), P1)), 23), P2), P3);
    at += 4;
  }
  for (; at < length; at += 1) acc = mul(rotl(xor(acc, mul(u64(0, data[at] ?? 0), P5)), 11), P1);
  acc = mul(xor(acc, shr(acc, 33)), P2);
  acc = mul(xor(acc, shr(acc, 29)), P3);
  acc = xor(acc, shr(acc, 32));
  return acc.hi.toString(16).padStart(8, '0') + acc.lo.toString(16).padStart(8, '0');
}
