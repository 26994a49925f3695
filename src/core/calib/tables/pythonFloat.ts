/**
 * `str(float)` as Python writes it (shortest round-trip digits, like JS, but scientific notation
 * below 1e-4 and from 1e16 on, with a two-digit signed exponent, and `.0` on integral values), so
 * tables that onnxruntime's Python tools write are reproduced byte for byte.
 */
const PY_FIXED_MIN_EXP = -4;
const PY_FIXED_MAX_EXP = 16;

export function pythonFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp >= PY_FIXED_MIN_EXP && exp < PY_FIXED_MAX_EXP) {
    const fixed = String(v);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}
