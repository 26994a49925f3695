/**
 * Micro-benchmark of the ggml block quantizers and dequantizers, single-threaded, in M values/s.
 * (`npm run bench` times the quantizers against ggml's own C, see ggmlVsC.ts.)
 *
 *   npx tsx scripts/bench/ggml_bench.ts [TYPE ...]
 *   (or bundle with esbuild into /tmp and run with node, as the extension ships it)
 */
import '../../src/core/quant/ggml/index';
import { ALL_GGML_TYPES } from '../../src/core/quant/ggml/index';
import type { GgmlTypeTraits } from '../../src/core/quant/ggml/table';
import { ggmlBenchWeights, quantizeRate, rate } from './ggmlRates';

/** 2^18 values: a few hundred ms per pass for the slowest quantizer, so whole runs stay short on shared cores. */
const VALUES = 1 << 18;
/** Each measurement repeats until this much CPU time has passed; the best pass counts. */
const BUDGET_MS = 400;

function bench(t: GgmlTypeTraits, src: Float32Array): { q: number; dq: number } {
  const { mvps, blocks } = quantizeRate(t, src, BUDGET_MS);
  const back = new Float32Array(VALUES);
  const dq = rate(VALUES, BUDGET_MS, () => t.dequantize(blocks, back, VALUES / t.blockSize));
  return { q: mvps, dq };
}

function main(): void {
  const only = new Set(process.argv.slice(2).map((a) => a.toUpperCase()));
  const src = ggmlBenchWeights(VALUES);
  console.log('type      quantize M/s  dequantize M/s');
  for (const t of ALL_GGML_TYPES) {
    if (!t.quantize || (only.size && !only.has(t.name))) continue;
    const { q, dq } = bench(t, src);
    console.log(`${t.name.padEnd(8)} ${q.toFixed(1).padStart(13)} ${dq.toFixed(1).padStart(15)}`);
  }
}

main();
