import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { run } from '../cli/run';
import { llamaQuantizeOrSkip } from '../helpers/llamaCppTools';
import { suiteTempDir } from '../helpers/tempDir';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const SOURCE = path.join(FIXTURES, 'plan', 'llama-gqa.gguf');

async function typesOf(file: string): Promise<Map<string, string>> {
  const m = await openModel([file]);
  const out = new Map(m.tensors.map((t) => [t.name, t.dtype as string]));
  await m.close();
  return out;
}

describe('compare --export-types: a GGUF\'s types as a replayable llama-quantize --tensor-type-file', () => {
  const tmp = suiteTempDir('quantlens-export-types-');

  it('one anchored pattern per quantized tensor, and the replay line names the file-type label as base', async () => {
    const q2 = path.join(FIXTURES, 'compare', 'q2_k.gguf');
    const file = path.join(tmp(), 'q2_k.txt');
    const r = await run('compare', path.join(FIXTURES, 'plan', 'hf-llama'), q2, '--export-types', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote ${file.replace(/[.\\]/g, '\\$&')}: llama-quantize --tensor-type-file \\S+ SOURCE\\.gguf OUT\\.gguf Q2_K\n$`));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const types = await typesOf(q2);
    const quantized = [...types].filter(([, t]) => t !== 'F32');
    assert.equal(lines.length, quantized.length);
    for (const [name, type] of quantized) assert.ok(lines.includes(`^${name.replace(/\./g, '\\.')}$=${type.toLowerCase().replace(/_k$/, '_K')}`), `${name} ${type}: ${lines.join(' ')}`);
  });

  describe('replayed by the real llama-quantize on the float source, writes the same type for every tensor', function () {
    const quantize = llamaQuantizeOrSkip(this);

    const MIXES: readonly { name: string; args: readonly string[]; base: string }[] = [
      { name: 'Q2_K (its own bumps and fallbacks)', args: [], base: 'Q2_K' },
      { name: 'Q4_K_M with overrides', args: ['--tensor-type', 'attn_v=q8_0', '--tensor-type', 'ffn_up=iq4_nl'], base: 'Q4_K_M' },
    ];
    for (const mix of MIXES) {
      it(mix.name, async () => {
        const original = path.join(tmp(), `original-${mix.base}.gguf`);
        quantize([...mix.args, SOURCE, original, mix.base]);
        const file = path.join(tmp(), `types-${mix.base}.txt`);
        const r = await run('compare', SOURCE, original, '--export-types', file, '--json');
        assert.equal(r.code, 0, r.stderr);
        const base = /OUT\.gguf (\S+)\n$/.exec(r.stderr)?.[1];
        assert.equal(base, mix.base);
        const replayed = path.join(tmp(), `replayed-${mix.base}.gguf`);
        quantize(['--tensor-type-file', file, SOURCE, replayed, base!]);
        const [want, got] = [await typesOf(original), await typesOf(replayed)];
        assert.deepEqual([...got], [...want]);
        assert.ok(new Set(want.values()).size >= 3, `a mixed file: ${[...new Set(want.values())].join()}`);
      });
    }
  });
});
