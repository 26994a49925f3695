import * as assert from 'node:assert/strict';
import { FormatError } from '../../../src/core/errors';
import { tfjsReader } from '../../../src/core/formats/tfjs';
import { expectFormatErrorForEveryPrefix, openAndReadAll } from '../helpers/memoryOpen';

const SHARD = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);

function manifest(weights: unknown[], paths: unknown[] = ['group1-shard1of1.bin']): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format: 'graph-model', weightsManifest: [{ paths, weights }] }));
}

async function refused(files: Record<string, Uint8Array>, message: RegExp): Promise<void> {
  await assert.rejects(openAndReadAll(tfjsReader, files), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

const W = (extra: Record<string, unknown>) => ({ name: 'w', shape: [6], dtype: 'float32', ...extra });

describe('tfjs reader on bad input', () => {
  it('refuses every truncation of the manifest', async () => {
    await expectFormatErrorForEveryPrefix(tfjsReader, { 'model.json': manifest([W({})]), 'group1-shard1of1.bin': SHARD });
  });

  it('refuses every truncation of a shard', async () => {
    for (let len = 0; len < SHARD.length; len++) {
      await refused({ 'model.json': manifest([W({})]), 'group1-shard1of1.bin': SHARD.subarray(0, len) }, /needs group bytes 0\.\.24 but its shards hold/);
    }
  });

  it('refuses a missing shard and shard names that escape the folder', async () => {
    await refused({ 'model.json': manifest([W({})], ['gone.bin']) }, /cannot open/);
    for (const p of ['../x.bin', '/etc/passwd', 'a/../../x.bin', 7, '']) {
      await refused({ 'model.json': manifest([W({})], [p]), 'x.bin': SHARD }, /outside the folder|not a non-empty string/);
    }
  });

  it('refuses JSON that is not a manifest', async () => {
    const text = (s: string) => new TextEncoder().encode(s);
    await refused({ 'model.json': text('{"modelTopology": {}}') }, /no weightsManifest array/);
    await refused({ 'model.json': text('"x"') }, /neither a model.json object nor a weights manifest array/);
    await refused({ 'model.json': text('[{"paths": "a.bin", "weights": []}]') }, /paths is not an array/);
    await refused({ 'model.json': text('[{"paths": [], "weights": {}}]') }, /weights is not an array/);
    await refused({ 'model.json': text('[1]') }, /weightsManifest\[0\] is not an object/);
    await refused({ 'model.json': new Uint8Array([0x5b, 0xff, 0x5d]) }, /not valid UTF-8/);
  });

  it('refuses bad weight entries', async () => {
    const shard = { 'group1-shard1of1.bin': SHARD };
    await refused({ 'model.json': manifest([W({ dtype: 'float64' })]), ...shard }, /unknown dtype "float64"/);
    await refused({ 'model.json': manifest([W({ name: 3 })]), ...shard }, /name is not a string/);
    await refused({ 'model.json': manifest([W({ shape: [-6] })]), ...shard }, /dimension -6 is not a non-negative integer/);
    await refused({ 'model.json': manifest([W({ shape: [2.5] })]), ...shard }, /dimension 2\.5/);
    await refused({ 'model.json': manifest([W({ shape: [2 ** 30, 2 ** 30, 2 ** 30] })]), ...shard }, /more than 2\^53 elements/);
    await refused({ 'model.json': manifest([W({}), W({ shape: [0] })]), ...shard }, /weight 'w' is declared twice/);
  });

  it('refuses quantization entries tfjs would refuse', async () => {
    const shard = { 'group1-shard1of1.bin': SHARD };
    await refused({ 'model.json': manifest([W({ quantization: { dtype: 'int4', scale: 1, min: 0 } })]), ...shard }, /unknown quantization dtype "int4"/);
    await refused({ 'model.json': manifest([W({ quantization: { dtype: 'uint8', scale: 1 } })]), ...shard }, /needs finite numbers scale and min/);
    await refused({ 'model.json': manifest([W({ quantization: { dtype: 'uint8', scale: 'NaN', min: 0 } })]), ...shard }, /needs finite numbers/);
    await refused({ 'model.json': manifest([W({ dtype: 'int32', quantization: { dtype: 'float16' } })]), ...shard }, /float16 quantization of a int32 weight/);
    await refused({ 'model.json': manifest([W({ dtype: 'bool', quantization: { dtype: 'uint8', scale: 1, min: 0 } })]), ...shard }, /uint8 quantization of a bool weight/);
  });

  it('refuses string weights whose lengths run past the shards', async () => {
    const lengths = new Uint8Array([2, 0, 0, 0, 0x68, 0x69, 0xff, 0xff, 0xff, 0x7f]);
    await refused({ 'model.json': manifest([{ name: 's', shape: [2], dtype: 'string' }]), 'group1-shard1of1.bin': lengths }, /needs bytes|needs group bytes/);
  });
});
