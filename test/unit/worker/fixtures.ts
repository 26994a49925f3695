import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSafetensors, type RawTensor } from '../safetensors/build';

/** Deterministic pseudo-random normal-ish floats (sum of uniforms), so failures reproduce. */
export function noise(n: number, seed: number, scale = 0.05): Float32Array {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() + next() + next() - 1.5) * scale;
  return out;
}

export function f32Tensor(name: string, shape: number[], values: Float32Array): RawTensor {
  return { name, dtype: 'F32', shape, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** Writes a safetensors file into a fresh temp folder and returns its path. */
export async function writeSafetensors(name: string, tensors: readonly RawTensor[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-fixture-'));
  const file = path.join(dir, name);
  await fs.writeFile(file, buildSafetensors(tensors));
  return file;
}
