/**
 * A seedable random source: xoshiro128** (Blackman & Vigna, 2018; prng.di.unimi.it), a fast
 * 32-bit generator with a period of 2^128 − 1, seeded through splitmix64 so that any integer
 * seed gives a well-mixed state. Same seed, same stream, on every machine.
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

const mask64 = (1n << 64n) - 1n

/** splitmix64 (Vigna), the recommended way to expand a seed into xoshiro state. */
export const splitmix64 = (seed: bigint): (() => bigint) => {
  let x = BigInt.asUintN(64, seed)
  return () => {
    x = (x + 0x9e3779b97f4a7c15n) & mask64
    let z = x
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask64
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask64
    return z ^ (z >> 31n)
  }
}

/** A generator from an integer seed, and from a seed plus a stream label (per branch, say). */
export const seededRandom = (seed: number | bigint, stream = ""): RandomSource => {
  let mixed = BigInt(seed)
  for (let index = 0; index < stream.length; index++) {
    mixed = BigInt.asUintN(64, mixed * 31n + BigInt(stream.charCodeAt(index)))
  }
  const next = splitmix64(mixed)
  const a = next()
  const b = next()
  return xoshiro128StarStar([
    Number(a & 0xffffffffn),
    Number(a >> 32n),
    Number(b & 0xffffffffn),
    Number(b >> 32n),
  ])
}
