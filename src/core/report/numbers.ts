/** Number formats shared by the human-readable reports (terminal table and Markdown). */

/** Scientific with 3 significant digits: MSE spans many decades, so fixed decimals would hide it. */
export function sci(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return x === 0 ? '0' : x.toExponential(2);
}

/** Percent with 3 significant digits, never in exponent form. */
export function pct(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return `${x.toFixed(0)} %`;
  if (x >= 10) return `${x.toFixed(1)} %`;
  return `${x.toFixed(2)} %`;
}

/** Decibels with one decimal; null means exact (infinite SQNR). */
export function db(x: number | null): string {
  if (x === null) return 'exact';
  return Number.isFinite(x) ? `${x.toFixed(1)} dB` : '—';
}

/** A value such as a weight bound, 4 significant digits. */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

/** `[min, max]` of a tensor. */
export function range(min: number, max: number): string {
  return `[${short(min)}, ${short(max)}]`;
}

/** `256×784`; a scalar is `scalar`. */
export function shape(dims: readonly number[]): string {
  return dims.length === 0 ? 'scalar' : dims.join('×');
}

/** 235,146 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Bytes in binary units, 3 significant digits. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toPrecision(3)} ${units[unit]}`;
}

/** `1 tensor`, `6 tensors` */
export function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}
