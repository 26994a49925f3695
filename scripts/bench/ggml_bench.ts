/**
 * Micro-benchmark of the ggml block quantizers and dequantizers, single-threaded, in M values/s.
 *
 *   npx tsx scripts/bench/ggml_bench.ts [TYPE ...]
 *   (or bundle with esbuild into /tmp and run with node, as the extension ships it)
 */
import '../../src/core/quant/ggml/index';
import { ALL_GGML_TYPES } from '../../src/core/quant/ggml/index';
import type { GgmlTypeTraits } from '../../src/core/quant/ggml/table';

/** 2^18 values: a few hundred ms per pass for the slowest quantizer, so whole runs stay short on shared cores. */
const VALUES = 1 << 18;
/** Each measurement repeats until this much CPU time has passed; the best pass counts. */
const BUDGET_MS = 400;

/** Weights-like data: gaussian std 0.02 with a few outliers, from a fixed seed. */
function weights(n: number): Float32Array {
  let s = 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    out[i] = next() < 0.001 ? g * 0.5 : g * 0.02;
  }
  return out;
}

/** CPU milliseconds of this process: the cores are shared, so wall time would measure the neighbours. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/** Best rate over repeated passes of `pass`, in M values/s. */
function rate(pass: () => void): number {
  let best = Infinity;
  const start = cpuMs();
  do {
    const t0 = cpuMs();
    pass();
    best = Math.min(best, cpuMs() - t0);
  } while (cpuMs() - start < BUDGET_MS);
  return VALUES / best / 1e3;
}

function bench(t: GgmlTypeTraits, src: Float32Array): { q: number | undefined; dq: number } {
  const bytes = new Uint8Array((VALUES / t.blockSize) * t.typeSize);
  const back = new Float32Array(VALUES);
  const quantize = t.quantize?.bind(t);
  const q = quantize ? rate(() => quantize(src, bytes)) : undefined;
  const dq = rate(() => t.dequantize(bytes, back, VALUES / t.blockSize));
  return { q, dq };
}

function main(): void {
  const only = new Set(process.argv.slice(2).map((a) => a.toUpperCase()));
  const src = weights(VALUES);
  console.log('type      quantize M/s  dequantize M/s');
  for (const t of ALL_GGML_TYPES) {
    if (!t.quantize || (only.size && !only.has(t.name))) continue;
    const { q, dq } = bench(t, src);
    console.log(`${t.name.padEnd(8)} ${(q ?? 0).toFixed(1).padStart(13)} ${dq.toFixed(1).padStart(15)}`);
  }
}

main();
