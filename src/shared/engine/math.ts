/**
 * Float helpers that give the same bits on every JavaScript engine. IEEE-754 guarantees
 * correctly rounded + - * / and sqrt, but not Math.sin/cos/tan (each engine ships its own libm),
 * so the engine never calls trigonometry in the simulation: directions are built from slopes and
 * normalised with sqrt, and the one tangent it needs (of `maxBounceAngle`) comes from `detTan`.
 */

/** Clamps `v` into [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * tan(x) for |x| < pi/2 from fixed Taylor series of sin and cos (15 terms each, evaluated in a
 * fixed order), so every engine computes the same bits. Accurate to ~1e-15 relative for |x| <= 1.5.
 */
export function detTan(x: number): number {
  const x2 = x * x;
  let sinTerm = x;
  let cosTerm = 1;
  let sin = x;
  let cos = 1;
  for (let n = 1; n <= 15; n++) {
    sinTerm = (-sinTerm * x2) / ((2 * n) * (2 * n + 1));
    cosTerm = (-cosTerm * x2) / ((2 * n - 1) * (2 * n));
    sin += sinTerm;
    cos += cosTerm;
  }
  return sin / cos;
}
