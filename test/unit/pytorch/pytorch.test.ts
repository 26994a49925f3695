import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../src/core/errors';
import { pytorchReader } from '../../../src/core/formats/pytorch';
import { MAX_ALIASES, MAX_METADATA_SCALARS, MAX_TENSORS, MAX_WALK_DEPTH, MAX_WALK_VISITS } from '../../../src/core/formats/pytorch/tensors';
import { MAX_PICKLE_BYTES } from '../../../src/core/pickle/unpickler';
import type { Model, Values } from '../../../src/core/tensor';
import { expectFormatErrorForEveryPrefix, openAndReadAll, openFromBytes } from '../helpers/memoryOpen';
import { buildZip, type MemberSpec } from '../zip/buildZip';
import { assertTensors, jsonValues, rawBytes, readJson, sha256Hex, type ExpectedTensor, type JsonScalar } from './expectations';
import { contiguous, dict, global, int, ints, list, ordered, pickleBytes, storage, str, tensor, tuple } from './torchPickle';

const file = (path: string) => new Uint8Array(readFileSync(path));
const openFile = (path: string) => openFromBytes(pytorchReader, { [path.split('/').pop()!]: file(path) });

/** A torch.save-style zip holding `ops` as data.pkl and the given storages. */
function torchZip(ops: string, storages: Record<string, Uint8Array> = {}, extra: MemberSpec[] = []): Uint8Array {
  return buildZip([
    { name: 'archive/data.pkl', data: pickleBytes(ops) },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data })),
    ...extra,
  ]);
}

const numbers = (values: Values) => Array.from(values as ArrayLike<number | bigint>, Number);
const f32 = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const openZip = (bytes: Uint8Array) => openFromBytes(pytorchReader, { 'test.pt': bytes });

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

interface OwnExpected {
  readonly files: Record<string, Record<string, { dtype: string; shape: number[]; values: JsonScalar[]; quantization?: unknown }>>;
}

describe('pytorch reader', () => {
  describe('own fixtures (scripts/fixtures/pytorch_numpy.py)', () => {
    const expected = readJson<OwnExpected>('test/fixtures/pytorch/expected.json');
    for (const [name, tensors] of Object.entries(expected.files)) {
      it(`reads ${name} exactly`, async () => {
        const model = await openFile(`test/fixtures/pytorch/${name}`);
        await assertTensors(model, Object.entries(tensors).map(([n, t]) => ({ name: n, ...t })));
        for (const [n, t] of Object.entries(tensors)) {
          if (t.quantization) assert.deepEqual((model.metadata.quantized as Record<string, unknown>)[n], t.quantization);
        }
      });
    }

    it('reports the container, archive and byte order', async () => {
      assert.deepEqual((await openFile('test/fixtures/pytorch/big_endian.pt')).metadata, { container: 'zip', archive: 'archive', byteorder: 'big', version: '3' });
      assert.deepEqual((await openFile('test/fixtures/pytorch/legacy_big_endian.pt')).metadata, { container: 'legacy', byteorder: 'big' });
    });
  });

  describe('fixtures written by torch.save (test/fixtures/mlp, edge, llama, torchvision)', () => {
    it('mlp.pt and mlp_legacy.pt match expected.json (names, dtypes, shapes, first16, sha256)', async () => {
      const { tensors } = readJson<{ tensors: ExpectedTensor[] }>('test/fixtures/mlp/expected.json');
      for (const name of ['mlp.pt', 'mlp_legacy.pt']) await assertTensors(await openFile(`test/fixtures/mlp/${name}`), tensors);
    });

    it('edge views.pt / views_legacy.pt: three views of one storage, values and strides exact', async () => {
      const edge = readJson<Record<string, { tensors: ExpectedTensor[] }>>('test/fixtures/edge/expected.json');
      for (const name of ['views.pt', 'views_legacy.pt']) await assertTensors(await openFile(`test/fixtures/edge/${name}`), edge['views.pt']!.tensors);
    });

    it('edge nested.pt: dotted names through dicts, lists, tuples; every dtype; scalars kept as metadata', async () => {
      const edge = readJson<Record<string, { tensors: ExpectedTensor[] }>>('test/fixtures/edge/expected.json');
      const model = await openFile('test/fixtures/edge/nested.pt');
      await assertTensors(model, edge['nested.pt']!.tensors);
      assert.deepEqual(model.metadata.values, { epoch: 3, name: 'nested' });
    });

    it('edge whole_module.pt: a pickled nn.Module yields its state_dict names without importing anything', async () => {
      const edge = readJson<Record<string, { tensors: ExpectedTensor[] }>>('test/fixtures/edge/expected.json');
      await assertTensors(await openFile('test/fixtures/edge/whole_module.pt'), edge['whole_module.pt']!.tensors);
    });

    it('llama pytorch_model.bin: BF16 tensors match first8 and sha256', async () => {
      const { tensors } = readJson<{ tensors: ExpectedTensor[] }>('test/fixtures/llama/expected.json');
      await assertTensors(await openFile('test/fixtures/llama/pytorch_model.bin'), tensors);
    });

    it('torchvision shufflenet .pt: every name, dtype and shape; sampled tensors exact', async () => {
      const expected = readJson<{ tensors: ExpectedTensor[]; sampled: ExpectedTensor[] }>('test/fixtures/torchvision/expected.json');
      const model = await openFile('test/fixtures/torchvision/shufflenet_v2_x0_5.pt');
      await assertTensors(model, expected.tensors);
      for (const want of expected.sampled) {
        const t = model.tensors.find((x) => x.name === want.name)!;
        const all = await t.data.read(0, t.numel);
        assert.deepEqual(jsonValues(all, t.dtype).slice(0, 8), want.first8, want.name);
        assert.equal(sha256Hex(rawBytes(all, t.dtype)), want.sha256, `${want.name} sha256`);
      }
    });
  });

  describe('truncation', () => {
    for (const name of ['strided.pt', 'zip64.pt', 'deflated.pt', 'legacy_big_endian.pt', 'legacy_view.pt']) {
      it(`${name}: FormatError at every prefix`, async () => {
        await expectFormatErrorForEveryPrefix(pytorchReader, { [name]: file(`test/fixtures/pytorch/${name}`) });
      });
    }
    it('mlp_legacy.pt: FormatError at every 997th prefix (payload included)', async () => {
      await expectFormatErrorForEveryPrefix(pytorchReader, { 'mlp_legacy.pt': file('test/fixtures/mlp/mlp_legacy.pt') }, 997);
    });
  });

  describe('sniff', () => {
    it('accepts torch zips and legacy files, not npz or other zips', () => {
      const head = (path: string) => file(path).subarray(0, 4096);
      assert.ok(pytorchReader.sniff(head('test/fixtures/mlp/mlp.pt'), 'x.weights'));
      assert.ok(pytorchReader.sniff(head('test/fixtures/mlp/mlp_legacy.pt'), 'x.weights'));
      assert.ok(pytorchReader.sniff(head('test/fixtures/pytorch/protocol4.pt'), 'x'));
      assert.ok(!pytorchReader.sniff(head('test/fixtures/numpy/dtypes.npz'), 'x.npz'));
      assert.ok(!pytorchReader.sniff(buildZip([{ name: 'readme.txt', data: f32(1) }]), 'x.zip'));
      assert.ok(pytorchReader.sniff(buildZip([{ name: 'readme.txt', data: f32(1) }]), 'model.ckpt'));
      assert.ok(!pytorchReader.sniff(file('test/fixtures/numpy/f4.npy'), 'f4.npy'));
    });
  });

  describe('hand-written archives', () => {
    it('names a pickled nn.Module like state_dict(): parameters, persistent buffers, children; never the hooks', async () => {
      const module = (state: string) => `${global('__main__', 'Net')})\x81${state}b`;
      const linear = module(dict([
        ['training', 'I01\n'],
        ['_parameters', ordered([['weight', tensor({ key: '0', numel: 4 }, 0, [2, 2], [2, 1])], ['bias', 'N']])],
        ['_buffers', ordered([['kept', tensor({ key: '0', numel: 4 }, 1, [1], [1])], ['scratch', tensor({ key: '0', numel: 4 }, 2, [1], [1])]])],
        ['_non_persistent_buffers_set', `${global('builtins', 'set')}${tuple(list(str('scratch')))}R`],
        ['_modules', ordered([])],
        ['_forward_hooks', ordered([['0', tensor({ key: '0', numel: 4 }, 3, [1], [1])]])],
      ]));
      const root = module(dict([['_parameters', ordered([])], ['_buffers', ordered([])], ['_modules', ordered([['fc', linear]])]]));
      const model = await openAndReadAll(pytorchReader, { 'm.pt': torchZip(root, { 0: f32(1, 2, 3, 4) }) });
      assert.deepEqual(model.tensors.map((t) => t.name), ['fc.weight', 'fc.kept']);
      assert.deepEqual(numbers(await model.tensors[1]!.data.read(0, 1)), [2]);
    });

    it('names a root tensor after the file, and keeps names unique', async () => {
      const t = tensor({ key: '0', numel: 2 }, 0, [2], [1]);
      const single = await openFromBytes(pytorchReader, { 'weights.pt': torchZip(t, { 0: f32(1, 2) }) });
      assert.deepEqual(single.tensors.map((x) => x.name), ['weights']);
      const clash = await openZip(torchZip(dict([['a.b', t], ['a', dict([['b', t]])]]), { 0: f32(1, 2) }));
      assert.deepEqual(clash.tensors.map((x) => x.name), ['a.b', 'a.b#2']);
    });

    it('refuses a view that reaches past its storage', async () => {
      await rejectsWith(openZip(torchZip(dict([['w', tensor({ key: '0', numel: 4 }, 1, [2, 2], [2, 1])]]), { 0: f32(1, 2, 3, 4) })), /reaches element 5 of a storage of 4/);
      await rejectsWith(openZip(torchZip(dict([['w', tensor({ key: '0', numel: 4 }, 0, [2, 2], [1, 3])]]), { 0: f32(1, 2, 3, 4) })), /reaches element 5/);
    });

    it('refuses a storage record smaller than its declared size, and a missing one', async () => {
      await rejectsWith(openZip(torchZip(dict([['w', tensor({ key: '0', numel: 4 }, 0, [4], [1])]]), { 0: f32(1, 2, 3) })), /needs 16 bytes but the file holds 12/);
      await rejectsWith(openZip(torchZip(dict([['w', tensor({ key: '7', numel: 1 }, 0, [1], [1])]]))), /archive\/data\/7 is missing/);
    });

    it('lists tensors of storage types it cannot decode as unsupported instead of failing', async () => {
      const ops = dict([['c', tensor({ key: '0', numel: 1, type: 'ComplexFloatStorage' }, 0, [1], [1])], ['w', tensor({ key: '1', numel: 1 }, 0, [1], [1])]]);
      const model = await openZip(torchZip(ops, { 0: new Uint8Array(8), 1: f32(5) }));
      assert.deepEqual(model.tensors.map((t) => t.name), ['w']);
      assert.deepEqual(model.metadata.unsupported, [{ name: 'c', reason: 'storage type ComplexFloatStorage is not supported' }]);
    });

    it('refuses archives that are not torch.save output', async () => {
      await rejectsWith(openZip(buildZip([{ name: 'archive/other.pkl', data: pickleBytes('N') }])), /no archive\/data\.pkl/);
      await rejectsWith(openZip(torchZip('N', {}, [{ name: 'archive/byteorder', data: new TextEncoder().encode('middle') }])), /byteorder record says 'middle'/);
      await rejectsWith(openZip(torchZip(`${tuple(str('module'), str('x'))}Q`)), /persistent id of kind 'module'/);
      await rejectsWith(openZip(torchZip(`${global('torch._utils', '_rebuild_tensor_v2')}${tuple(int(1))}R`)), /tensor size is missing/);
    });

    it(`refuses a data.pkl larger than MAX_PICKLE_BYTES (${MAX_PICKLE_BYTES})`, async () => {
      const bytes = buildZip([{ name: 'archive/data.pkl', data: pickleBytes('N'), declaredSize: MAX_PICKLE_BYTES + 1 }]);
      await rejectsWith(openZip(bytes), /more than the limit of 268435456/);
    });

    it(`refuses nesting deeper than MAX_WALK_DEPTH (${MAX_WALK_DEPTH})`, async () => {
      const nested = (depth: number) => `${'('.repeat(depth)}N${'l'.repeat(depth)}`;
      await openZip(torchZip(nested(MAX_WALK_DEPTH)));
      await rejectsWith(openZip(torchZip(nested(MAX_WALK_DEPTH + 1))), /nests deeper than 256 levels/);
    });

    it(`refuses shared references that multiply past MAX_WALK_VISITS (${MAX_WALK_VISITS})`, async () => {
      const doubling = (levels: number) => `(Nlp0\n${'(g0\ng0\nlp0\n'.repeat(levels)}`;
      // 19 doublings visit about 1.6M values, 20 about 3.1M.
      await openZip(torchZip(doubling(19)));
      await rejectsWith(openZip(torchZip(doubling(20))), /more than 2000000 values/);
    });

    it(`refuses more than MAX_TENSORS (${MAX_TENSORS}) tensors`, async function () {
      // Half a million tensors take seconds to build: more on a shared, loaded machine.
      this.timeout(120_000);
      // Distinct tensors (one REDUCE each, callee and arguments memoized), so the alias limit does not come first.
      const rebuild = `${global('torch._utils', '_rebuild_tensor_v2')}p2\n`;
      const args = `${tuple(storage({ key: '0', numel: 1 }), int(0), ints([1]), ints([1]), 'I00\n', ordered([]))}p3\n`;
      await rejectsWith(openZip(torchZip(`(${rebuild}${args}R${'g2\ng3\nR'.repeat(MAX_TENSORS)}l`, { 0: f32(1) })), /more than 500000 tensors/);
    });

    it(`refuses more than MAX_ALIASES (${MAX_ALIASES}) extra names of one tensor (a shared dict held 30,000 times)`, async () => {
      const t = `${tensor({ key: '0', numel: 1 }, 0, [1], [1])}p1\n`;
      await rejectsWith(openZip(torchZip(`(${t}${'g1\n'.repeat(MAX_ALIASES + 1)}l`, { 0: f32(1) })), /^4098 names for 1 tensors: shared references/);
      const within = await openZip(torchZip(`(${t}${'g1\n'.repeat(MAX_ALIASES)}l`, { 0: f32(1) }));
      assert.equal(within.tensors.length, MAX_ALIASES + 1);
    });

    it(`keeps at most MAX_METADATA_SCALARS (${MAX_METADATA_SCALARS}) plain values as metadata`, async () => {
      const entries = Array.from({ length: MAX_METADATA_SCALARS + 10 }, (_, i) => [`k${i}`, int(i)] as const);
      const model = await openZip(torchZip(dict(entries)));
      const values = model.metadata.values as Record<string, number>;
      assert.equal(Object.keys(values).length, MAX_METADATA_SCALARS);
      assert.equal(values.k0, 0);
    });

    it('reads legacy pickles larger than the first read window by growing it', async () => {
      const pickles = [
        `\x80\x02\x8a\x0a${Buffer.from('6cfc9c46f9206aa85019', 'hex').toString('latin1')}`,
        '\x80\x02M\xe9\x03',
        dict([['little_endian', 'I01\n']]),
        dict([['note', str('x'.repeat(3 * 1024 * 1024))], ['w', tensor({ key: 'k', numel: 2 }, 0, [2], [1])]]),
        list(str('k')),
      ].map((ops) => Buffer.from(`${ops}.`, 'latin1'));
      const count = Buffer.alloc(8);
      count.writeBigUInt64LE(2n);
      const bytes = new Uint8Array(Buffer.concat([...pickles, count, Buffer.from(f32(1.5, -2))]));
      assert.ok(pytorchReader.sniff(bytes.subarray(0, 4096), 'legacy.pt'));
      const model = await openAndReadAll(pytorchReader, { 'legacy.pt': bytes });
      assert.deepEqual(numbers(await model.tensors[0]!.data.read(0, 2)), [1.5, -2]);
      assert.deepEqual(model.metadata, { container: 'legacy', byteorder: 'little' });
    });

    it('reads a zip data.pkl larger than the first read window by growing it, deflated too', async () => {
      const ops = dict([['note', str('x'.repeat(3 * 1024 * 1024))], ['w', tensor({ key: '0', numel: 2 }, 0, [2], [1])]]);
      for (const deflate of [false, true]) {
        const bytes = buildZip([{ name: 'archive/data.pkl', data: pickleBytes(ops), deflate }, { name: 'archive/data/0', data: f32(1.5, -2) }]);
        const model = await openZip(bytes);
        assert.deepEqual(numbers(await model.tensors[0]!.data.read(0, 2)), [1.5, -2]);
      }
    });

    it('blames the local header of a deflated data.pkl for its errors, and says where in the inflated member', async () => {
      // Offsets inside an inflated member are no file offsets (found by fuzzing: they were printed as if they were).
      const bytes = buildZip([{ name: 'archive/byteorder', data: Buffer.from('little') }, { name: 'archive/data.pkl', data: pickleBytes('(d\xff'), deflate: true }]);
      const localHeader = 30 + 'archive/byteorder'.length + 'little'.length;
      await assert.rejects(openZip(bytes), (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.equal(e.message, 'unknown pickle opcode 0xff (at byte 2 of the inflated archive/data.pkl)');
        assert.equal(e.offset, localHeader);
        return true;
      });
    });

    it('reads contiguous views of a shared storage at their offsets (tied weights)', async () => {
      const ops = dict([['a', tensor({ key: '0', numel: 6 }, 0, [2, 3], contiguous([2, 3]))], ['b', tensor({ key: '0', numel: 6 }, 3, [3], [1])]]);
      const model: Model = await openZip(torchZip(ops, { 0: f32(0, 1, 2, 3, 4, 5) }));
      assert.deepEqual(numbers(await model.tensors[1]!.data.read(0, 3)), [3, 4, 5]);
      assert.deepEqual(numbers(await model.tensors[0]!.data.read(2, 2)), [2, 3]);
    });
  });
});
