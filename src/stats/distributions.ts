import type { RandomSource } from "./random.js"

/**
 * Samplers for the distributions the statistics draw from. Each takes a RandomSource so that
 * a seed reproduces every result.
 */

/**
 * The ziggurat's 128 layers for the standard normal (Marsaglia & Tsang, 2000, "The Ziggurat
 * Method for Generating Random Variables", J. Stat. Softw. 5(8)): `kn` the acceptance
 * thresholds on a signed 32-bit draw, `wn` the scale, `fn` the density at the layers' edges.
 */
const ziggurat = (() => {
  const m1 = 2 ** 31
  const kn = new Float64Array(128)
  const wn = new Float64Array(128)
  const fn = new Float64Array(128)
  let dn = 3.442619855899
  let tn = dn
  const vn = 9.91256303526217e-3
  const q = vn / Math.exp(-0.5 * dn * dn)
  kn[0] = (dn / q) * m1
  kn[1] = 0
  wn[0] = q / m1
  wn[127] = dn / m1
  fn[0] = 1
  fn[127] = Math.exp(-0.5 * dn * dn)
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)))
    kn[i + 1] = (dn / tn) * m1
    tn = dn
    fn[i] = Math.exp(-0.5 * dn * dn)
    wn[i] = dn / m1
  }
  return { kn, wn, fn, tail: 3.442619855899 }
})()

/** A uniform in (0, 1) from one 32-bit draw: enough resolution for acceptance tests. */
const openUniform = (random: RandomSource): number => (random.nextUint32() + 0.5) / 2 ** 32

/**
 * Standard normal by the ziggurat: one 32-bit draw and a comparison for ~99% of draws,
 * the wedges and the tail by rejection (exact, not an approximation).
 */
export const standardNormal = (random: RandomSource): number => {
  const { kn, wn, fn, tail } = ziggurat
  for (;;) {
    const hz = random.nextUint32() | 0
    const iz = hz & 127
    const x = hz * (wn[iz] ?? 0)
    if (Math.abs(hz) < (kn[iz] ?? 0)) return x
    if (iz === 0) {
      let tailX: number
      let y: number
      do {
        tailX = -Math.log(openUniform(random)) / tail
        y = -Math.log(openUniform(random))
      } while (y + y < tailX * tailX)
      return hz > 0 ? tail + tailX : -tail - tailX
    }
    const below = fn[iz] ?? 0
    if (below + openUniform(random) * ((fn[iz - 1] ?? 0) - below) < Math.exp(-0.5 * x * x)) return x
  }
}

/**
 * Gamma(shape, 1), by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3); shapes below 1 by Gamma(shape + 1) · U^(1/shape).
 */
export const gamma = (random: RandomSource, shape: number): number => {
  // A NaN or negative shape would never be accepted by the loop below.
  if (!(shape >= 0)) return Number.NaN
  if (shape === 0) return 0
  if (shape < 1) {
    const u = random.nextDouble()
    return gamma(random, shape + 1) * (u > 0 ? u : Number.MIN_VALUE) ** (1 / shape)
  }
  const d = shape - 1 / 3
  return marsagliaTsang(random, d, 1 / Math.sqrt(9 * d))
}

/** Marsaglia–Tsang's rejection loop: a Gamma(d + 1/3, 1) draw, with c = 1/√(9d). */
const marsagliaTsang = (random: RandomSource, d: number, c: number): number => {
  for (;;) {
    let x: number
    let v: number
    do {
      x = standardNormal(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = openUniform(random)
    const xx = x * x
    if (u < 1 - 0.0331 * xx * xx) return d * v
    if (Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return d * v
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export const beta = (random: RandomSource, a: number, b: number): number => {
  const x = gamma(random, a)
  const y = gamma(random, b)
  return x / (x + y)
}

/**
 * Gamma(alphas[i], 1) draws for many rounds with the same alphas (a bootstrap's 10,000 rounds
 * of Dirichlet(alphas) weights, which are these draws over their sum): Marsaglia–Tsang's
 * constants are computed once per alpha instead of once per draw, and Gamma(1), the alpha of
 * every distinct value seen once, is drawn as −log U, one logarithm instead of a normal, a
 * uniform and the squeeze. The draws have the same distribution as `gamma`'s. Callers keep
 * the draws unnormalised and divide their weighted sums by the total once per round.
 */
export const gammaSampler = (
  alphas: Float64Array,
): ((random: RandomSource, index: number) => number) => {
  const n = alphas.length
  const d = new Float64Array(n)
  const c = new Float64Array(n)
  for (let index = 0; index < n; index++) {
    const alpha = alphas[index] ?? 0
    if (alpha > 1) {
      d[index] = alpha - 1 / 3
      c[index] = 1 / Math.sqrt(9 * (alpha - 1 / 3))
    }
  }
  return (random, index) => {
    const alpha = alphas[index] ?? 0
    if (alpha === 1) return -Math.log(1 - random.nextDouble())
    if (!(alpha > 1)) return gamma(random, alpha)
    return marsagliaTsang(random, d[index] ?? 0, c[index] ?? 0)
  }
}
