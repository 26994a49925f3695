/** Number formatting for tables and tooltips: every figure with its unit. */
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const KIBI = 1024;

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= KIBI && u < BYTE_UNITS.length - 1) {
    v /= KIBI;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)} ${BYTE_UNITS[u]}`;
}

/** 6738415616 -> "6.74 B"; 203530 -> "203.5 K". */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

/** Compact scientific for small errors, fixed for ordinary magnitudes. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 1e-3 || abs >= 1e5) return x.toExponential(2);
  return x.toPrecision(4);
}

export function formatDb(db: number | null): string {
  return db === null ? 'exact' : `${db.toFixed(1)} dB`;
}

export function formatPct(p: number): string {
  return `${p.toFixed(p < 10 ? 2 : 1)} %`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
