import type { Scheme } from '../../../../src/shared/analysisTypes';
import type { NamedFormat } from '../../../../src/shared/vocab/namedFormats';
import { memoryTensor } from '../memoryTensor';

/** xorshift32 uniforms in (0, 1): the same seed, the same tensor. */
function uniforms(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
}

/**
 * A weight-like matrix: rows of their own scale (log-normal spread), heavy-tailed values
 * (a normal divided by a chi-like factor, as Student's t), a few outlier columns.
 */
export function weightLike(rows: number, cols: number, seed: number): ReturnType<typeof memoryTensor> {
  const u = uniforms(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const rowScale = 0.02 * Math.exp(0.4 * normal());
    for (let c = 0; c < cols; c++) {
      const tail = Math.sqrt((normal() ** 2 + normal() ** 2 + normal() ** 2 + normal() ** 2 + normal() ** 2) / 5);
      const outlier = c % 97 === 3 ? 6 : 1;
      values[r * cols + c] = (rowScale * outlier * normal()) / tail;
    }
  }
  return memoryTensor(values, [rows, cols], { name: `w${seed}` });
}

export function intScheme(bits: number, mode: 'symmetric' | 'asymmetric', granularity: 'tensor' | 'channel' | 'group', axis = 0): Scheme {
  return { kind: 'int', bits, mode, granularity, groupSize: granularity === 'group' ? 128 : null, axis, range: 'minmax', convention: 'lecture' };
}

export function format(f: NamedFormat): Scheme {
  return { kind: 'format', format: f };
}
