import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const REFERENCE = path.join(FIXTURES, 'plan', 'hf-llama');
const COMPARE = path.join(FIXTURES, 'compare');
/** Written by scripts/fixtures/fixtures_compare.py: gguf-py's dequantization against the BF16 reference. */
const EXPECTED = JSON.parse(readFileSync(path.join(COMPARE, 'expected.json'), 'utf8')) as Record<string, {
  fileType: number;
  tensors: { name: string; reference: string; type: string; transform: string; sqnrDb: number | null }[];
}>;
/** The tolerance against gguf-py. */
const SQNR_TOLERANCE_DB = 0.01;

interface CompareJson {
  reference: string;
  candidate: string;
  pairs: { reference: string; candidate: string; candidateDtype: string; transform: string; mse: number; maxAbsErr: number; sqnrDb: number | null; cosine: number; relFrobenius: number | null; requantizedSqnrDb: number | null }[];
  unpaired: { reference: string[]; candidate: string[] };
  findings: { kind: string; tensor: string | null; message: string }[];
}

async function compareJson(...args: string[]): Promise<CompareJson> {
  const r = await run('compare', ...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as CompareJson;
}

describe('quantlens compare', () => {
  const tmp = suiteTempDir('quantlens-compare-');

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: every tensor paired with its Hugging Face original, SQNR equal to gguf-py's to ${SQNR_TOLERANCE_DB} dB, Q/K rotary permutation found`, async () => {
      const j = await compareJson(REFERENCE, path.join(COMPARE, file));
      assert.deepEqual(j.unpaired, { reference: [], candidate: [] });
      assert.equal(j.pairs.length, expected.tensors.length);
      for (const t of expected.tensors) {
        const p = j.pairs.find((q) => q.candidate === t.name);
        assert.ok(p, `${t.name} not paired`);
        assert.equal(p.reference, t.reference);
        assert.equal(p.candidateDtype, t.type);
        assert.equal(p.transform, t.sqnrDb === null ? 'none' : t.transform, t.name);
        if (t.sqnrDb === null) assert.equal(p.sqnrDb, null, t.name);
        else assert.ok(Math.abs(p.sqnrDb! - t.sqnrDb) <= SQNR_TOLERANCE_DB, `${t.name}: ${p.sqnrDb} vs gguf-py ${t.sqnrDb}`);
        if (p.sqnrDb !== null) {
          assert.ok(p.relFrobenius !== null && Math.abs(-20 * Math.log10(p.relFrobenius) - p.sqnrDb) < 1e-9, 'relFrobenius agrees with SQNR');
          assert.ok(p.requantizedSqnrDb !== null && p.sqnrDb > p.requantizedSqnrDb - 10, `${t.name}: not flagged`);
        }
      }
      assert.deepEqual(j.findings.filter((f) => f.kind !== 'file-type-mix'), []);
    });
  }

  it('reports a file labelled Q2_K whose bytes are mostly other types, not a plain Q8_0', async () => {
    const q2 = await compareJson(REFERENCE, path.join(COMPARE, 'q2_k.gguf'));
    const mix = q2.findings.filter((f) => f.kind === 'file-type-mix');
    assert.equal(mix.length, 1);
    assert.match(mix[0]!.message, /^labelled Q2_K: \d+ % of quantized bytes are Q3_K\/Q4_K\/Q6_K$/);
    const q8 = await compareJson(REFERENCE, path.join(COMPARE, 'q8_0.gguf'));
    assert.deepEqual(q8.findings, []);
  });

  it('--map FILE: a wrong pairing shows as a shape mismatch and as SQNR far below the requantized reference', async () => {
    const map = path.join(tmp(), 'map.json');
    writeFileSync(map, JSON.stringify({
      'model.layers.0.self_attn.q_proj.weight': 'blk.0.attn_k.weight',
      'model.layers.0.mlp.up_proj.weight': 'blk.1.ffn_up.weight',
    }));
    const j = await compareJson(REFERENCE, path.join(COMPARE, 'q4_k_m.gguf'), '--map', map);
    assert.deepEqual(j.findings.map((f) => [f.kind, f.tensor]), [['shape-mismatch', 'blk.0.attn_k.weight'], ['sqnr-below-requantized', 'blk.1.ffn_up.weight']]);
    assert.ok(j.pairs.find((p) => p.candidate === 'blk.1.ffn_up.weight')!.sqnrDb! < 1);
    // the displaced tensors are listed, not guessed
    assert.deepEqual([...j.unpaired.reference].sort(), ['model.layers.0.self_attn.k_proj.weight', 'model.layers.1.mlp.up_proj.weight']);
    assert.deepEqual([...j.unpaired.candidate].sort(), ['blk.0.attn_q.weight', 'blk.0.ffn_up.weight']);
  });

  it('two files that cannot be compared: one-line error, exit 2', async () => {
    const r = await run('compare', REFERENCE, path.join(COMPARE, 'q8_0.gguf'), '--map', 'none');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^quantlens: .*q8_0\.gguf: compare: no tensor of .* pairs with one of .*: not the same model \(or give --map FILE\)\n$/);
    const sameNamesOtherShapes = await run('compare', REFERENCE, path.join(FIXTURES, 'storages', 'gptq.safetensors'));
    assert.equal(sameNamesOtherShapes.code, 2);
    assert.match(sameNamesOtherShapes.stderr, /^quantlens: .*gptq\.safetensors: compare: no tensor of .* can be measured against .*: not the same model \(\d+ names match, e\.g\. .* is \[256, 256\], .* is \[64, 128\]\)\n$/);
    const bad = path.join(tmp(), 'bad.gguf');
    writeFileSync(bad, 'GGUF not really');
    const unreadable = await run('compare', REFERENCE, bad);
    assert.equal(unreadable.code, 2);
    assert.equal(unreadable.stderr.split('\n').length, 2);
  });

  it('table by default; usage errors exit 1', async () => {
    const r = await run('compare', REFERENCE, path.join(COMPARE, 'iq4_nl.gguf'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /model\.layers\.0\.self_attn\.q_proj\.weight +blk\.0\.attn_q\.weight +IQ4_NL +rope-permute +22\.\d\d /);
    assert.equal((await run('compare', REFERENCE)).code, 1);
    assert.equal((await run('compare', REFERENCE, REFERENCE, '--map', path.join(tmp(), 'missing.json'))).code, 1);
  });
});
