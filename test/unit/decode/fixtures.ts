import * as fs from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import type { Model } from '../../../src/core/tensor';
import type { CheckpointSummary, ReadMember } from '../../../src/core/decode/storage';

/** Written by scripts/fixtures/fixtures_storages.py. */
export const STORAGE_FIXTURES = path.join(__dirname, '../../fixtures/storages');

export function fixturePath(name: string): string {
  return path.join(STORAGE_FIXTURES, name);
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(fixturePath(name)));
}

/** A model's listing as the storages see it, and a reader of whole members. */
export function storageView(model: Model): { summary: CheckpointSummary; read: ReadMember } {
  const summary: CheckpointSummary = { tensors: model.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) };
  const read: ReadMember = async (name) => {
    const t = model.tensors.find((x) => x.name === name);
    if (!t) throw new Error(`no tensor ${name}`);
    return t.data.read(0, t.numel);
  };
  return { summary, read };
}

/** The float32 values the libraries' own dequantization gives, by "file:logical name". */
export async function expectedValues(): Promise<ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>> {
  const model = await openModel([fixturePath('expected.safetensors')]);
  try {
    const out = new Map<string, { shape: readonly number[]; values: Float32Array }>();
    for (const t of model.tensors) out.set(t.name, { shape: t.shape, values: (await t.data.read(0, t.numel)) as Float32Array });
    return out;
  } finally {
    await model.close();
  }
}
