/** The ggml quantizer timings both ggml benches share: the input values and the CPU-time rate loop. */
import type { GgmlTypeTraits } from '../../src/core/quant/ggml/table';

/** Weights-like data: gaussian std 0.02 with a few outliers, from a fixed seed. */
export function ggmlBenchWeights(n: number): Float32Array {
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

/** Best rate over passes of `pass` repeated for `budgetMs` of CPU time, in M values/s. */
export function rate(values: number, budgetMs: number, pass: () => void): number {
  let best = Infinity;
  const start = cpuMs();
  do {
    const t0 = cpuMs();
    pass();
    best = Math.min(best, cpuMs() - t0);
  } while (cpuMs() - start < budgetMs);
  return values / best / 1e3;
}

/** Quantizes `src` with `t` for `budgetMs` of CPU time: the best rate and the blocks it wrote. */
export function quantizeRate(t: GgmlTypeTraits, src: Float32Array, budgetMs: number): { mvps: number; blocks: Uint8Array } {
  const blocks = new Uint8Array((src.length / t.blockSize) * t.typeSize);
  const quantize = t.quantize!.bind(t);
  return { mvps: rate(src.length, budgetMs, () => quantize(src, blocks)), blocks };
}
