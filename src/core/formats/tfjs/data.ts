import type { TensorData } from '../../tensor';

/**
 * A uint8/uint16-quantized weight decoded as tfjs decodes it: `v * scale + min` in double
 * precision, stored once into a Float32Array (float32 weights) or rounded with Math.round into
 * an Int32Array (int32 weights). // tfjs-core src/io/io_utils.ts decodeWeight
 */
export function affineData(stored: TensorData, scale: number, min: number, into: 'float32' | 'int32'): TensorData {
  return {
    blockSize: 1,
    async read(start, count) {
      const q = await stored.read(start, count);
      const out = into === 'float32' ? new Float32Array(q.length) : new Int32Array(q.length);
      for (let i = 0; i < q.length; i++) {
        const v = Number(q[i]!) * scale + min;
        out[i] = into === 'float32' ? v : Math.round(v);
      }
      return out;
    },
  };
}
