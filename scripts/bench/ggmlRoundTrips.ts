/**
 * Quick timing of the round trips the format sweep runs (Q4_K, Q5_K, Q6_K, Q8_0), single-threaded, in
 * CPU ns per value, on weight-like values, on a slice of a real BF16 tensor, and on zeros (most of the
 * bench's sparse 7B file). Each round trip is checked against dequantize(quantize(x)) of the same values.
 *
 *   npx esbuild --bundle --platform=node scripts/bench/ggmlRoundTrips.ts --outfile=/tmp/rt.js
 *   node /tmp/rt.js [--safetensors FILE --tensor NAME] [TYPE ...]
 */
import { closeSync, openSync, readSync } from 'node:fs';
import '../../src/core/quant/ggml/index';
import { ALL_GGML_TYPES } from '../../src/core/quant/ggml/index';
import type { GgmlTypeTraits } from '../../src/core/quant/ggml/table';
import { ggmlBenchWeights, rate } from './ggmlRates';

/** 2^20 values per input: a few chunks of every kernel, a few hundred ms per pass at most. */
const VALUES = 1 << 20;
/** CPU time per measurement; the best pass counts. */
const BUDGET_MS = 600;
const SWEEP_TYPES = ['Q4_K', 'Q5_K', 'Q6_K', 'Q8_0'];

/** The first VALUES values of a BF16 tensor of a safetensors file, as float32. */
function bf16Slice(file: string, tensor: string): Float32Array {
  const fd = openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const headerBytes = Number(len.readBigUInt64LE(0));
    const header = Buffer.alloc(headerBytes);
    readSync(fd, header, 0, headerBytes, 8);
    const entry = (JSON.parse(header.toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>)[tensor];
    if (!entry || entry.dtype !== 'BF16') throw new Error(`${tensor}: no BF16 tensor of that name in ${file}`);
    const raw = Buffer.alloc(2 * VALUES);
    readSync(fd, raw, 0, raw.length, 8 + headerBytes + entry.data_offsets[0]);
    const bits = new Uint32Array(VALUES);
    for (let i = 0; i < VALUES; i++) bits[i] = raw.readUInt16LE(2 * i) << 16;
    return new Float32Array(bits.buffer);
  } finally {
    closeSync(fd);
  }
}

/** ns per value of t's round trip over x, after checking it against its bytes' dequantization. */
function roundTripNs(t: GgmlTypeTraits, x: Float32Array): number {
  const deq = new Float32Array(x.length);
  const blocks = new Uint8Array((x.length / t.blockSize) * t.typeSize);
  t.quantize!(x, blocks);
  const expected = new Float32Array(x.length);
  t.dequantize(blocks, expected, x.length / t.blockSize);
  t.roundTrip!(x, 0, x.length, deq);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(deq[i], expected[i])) throw new Error(`${t.name}: round trip differs from the bytes at ${i}: ${deq[i]} vs ${expected[i]}`);
  }
  return 1e3 / rate(x.length, BUDGET_MS, () => t.roundTrip!(x, 0, x.length, deq));
}

function main(): void {
  const args = process.argv.slice(2);
  const inputs: [string, Float32Array][] = [['weight-like', ggmlBenchWeights(VALUES)]];
  const file = args.indexOf('--safetensors');
  if (file >= 0) {
    const tensor = args[args.indexOf('--tensor') + 1]!;
    inputs.push([tensor, bf16Slice(args[file + 1]!, tensor)]);
  }
  inputs.push(['zeros', new Float32Array(VALUES)]);
  const named = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
  const only = named.length ? named.map((a) => a.toUpperCase()) : SWEEP_TYPES;
  console.log(`round trip, CPU ns/value (best pass in ${BUDGET_MS} ms), ${VALUES} values`);
  console.log(`type   ${inputs.map(([n]) => n.slice(-24).padStart(25)).join('')}`);
  for (const t of ALL_GGML_TYPES) {
    if (!t.roundTrip || !only.includes(t.name)) continue;
    console.log(`${t.name.padEnd(7)}${inputs.map(([, x]) => roundTripNs(t, x).toFixed(2).padStart(25)).join('')}`);
  }
}

main();
