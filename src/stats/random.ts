import { createHash } from "node:crypto"

/**
 * A seedable random source: xoshiro128** (Blackman & Vigna, 2018; prng.di.unimi.it), a fast
 * 32-bit generator with a period of 2^128 − 1, its state hashed from an integer seed and a
 * stream label (`seededRandom`). Same seed and label, same stream, on every machine.
 */
export interface RandomSource {
  /** A uniform 32-bit unsigned integer. */
  readonly nextUint32: () => number
  /** A uniform double in [0, 1) with 53 random bits. */
  readonly nextDouble: () => number
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/** The raw generator from a 128-bit state of four 32-bit words (not all zero). */
export const xoshiro128StarStar = (
  state: readonly [number, number, number, number],
): RandomSource => {
  let s0 = state[0] >>> 0
  let s1 = state[1] >>> 0
  let s2 = state[2] >>> 0
  let s3 = state[3] >>> 0
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    return result
  }
  const nextDouble = (): number => {
    const high = nextUint32() >>> 5 // 27 bits
    const low = nextUint32() >>> 6 // 26 bits
    return (high * 67108864 + low) / 9007199254740992
  }
  return { nextUint32, nextDouble }
}

/**
 * A generator from an integer seed and a stream label (per branch, say). The state is the
 * first 128 bits of SHA-256 over the seed in decimal, a NUL byte and the label in UTF-8: an
 * unambiguous encoding (no digit is NUL), so distinct (seed, label) pairs hash distinct
 * inputs, and a cryptographic hash mixes every input bit into every state bit — unlike a
 * polynomial in the label's characters, where "run/Aa" and "run/BB" collide. One hash per
 * branch and summary costs microseconds; node:crypto is there in Node and worker threads.
 * Labels are read as UTF-8, so a lone surrogate (not valid Unicode) reads as U+FFFD.
 */
export const seededRandom = (seed: number | bigint, stream = ""): RandomSource => {
  const digest = createHash("sha256")
    .update(`${BigInt(seed)}\0`, "utf8")
    .update(stream, "utf8")
    .digest()
  const words = (offset: number): [number, number, number, number] => [
    digest.readUInt32LE(offset),
    digest.readUInt32LE(offset + 4),
    digest.readUInt32LE(offset + 8),
    digest.readUInt32LE(offset + 12),
  ]
  const isZero = (state: ReadonlyArray<number>) => state.every((word) => word === 0)
  // xoshiro's state must not be all zero: fall back to the digest's other half, then to 1.
  const first = words(0)
  const second = words(16)
  return xoshiro128StarStar(!isZero(first) ? first : !isZero(second) ? second : [1, 0, 0, 0])
}
