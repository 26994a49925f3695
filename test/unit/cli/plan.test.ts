import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from './run';
import { suiteTempDir } from '../helpers/tempDir';

const PLAN = path.join(__dirname, '..', '..', 'fixtures', 'plan');
const GQA = path.join(PLAN, 'llama-gqa.gguf');
/** A GGUF whose metadata lacks the head count the rules need. */
const NO_HEADS = path.join(__dirname, '..', '..', 'fixtures', 'gguf', 'tiny-v3.gguf');

interface PlanJson {
  target: string;
  preset: string | null;
  budget: unknown;
  tensors: { name: string; type: string; bytes: number; requested: string | null; reason: string; predicted: unknown }[];
  totalBytes: number;
  bitsPerWeight: number;
}

describe('quantlens plan', () => {
  const tmp = suiteTempDir('quantlens-plan-cli-');

  it('--json: CLI.md\'s plan, with requested set where a fallback replaced the type', async () => {
    const r = await run('plan', GQA, '--preset', 'q4_k_m', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as PlanJson;
    assert.equal(j.target, 'llama.cpp');
    assert.equal(j.preset, 'Q4_K_M');
    assert.equal(j.budget, null);
    const down = j.tensors.find((t) => t.name === 'blk.0.ffn_down.weight')!;
    assert.deepEqual([down.type, down.requested], ['Q8_0', 'Q6_K']);
    assert.match(down.reason, /use_more_bits.*fallback: row of 32 not a multiple of 256/);
    assert.equal(j.tensors.find((t) => t.name === 'blk.1.attn_q.weight')!.requested, null);
    assert.equal(j.totalBytes, j.tensors.reduce((n, t) => n + t.bytes, 0));
    // token_embd + output, output_norm, 8 layers of (2 norms, q, o, k, v, gate, up, down)
    const values = 2 * 32 * 256 + 256 + 8 * (2 * 256 + 2 * 256 * 64 + 2 * 256 * 16 + 3 * 256 * 32);
    assert.equal(j.bitsPerWeight, (8 * j.totalBytes) / values);
  });

  it('prints a table by default, with the totals', async () => {
    const r = await run('plan', GQA, '--preset', 'Q6_K');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^blk\.0\.attn_output\.weight +Q8_0 +[\d,]+ +Q6_K +Q6_K default Q6_K; fallback/m);
    assert.match(r.stdout, /75 tensors, [\d,]+ bytes, [\d.]+ bits per weight, 16 fallbacks/);
  });

  const original = () => JSON.parse(readFileSync(path.join(PLAN, 'hf-llama', 'config.json'), 'utf8')) as Record<string, unknown>;

  /** A copy of the hf-llama weights with `config` as config.json (undefined: none). */
  function hfFolder(name: string, config: string | undefined): string {
    const folder = path.join(tmp(), name);
    mkdirSync(folder);
    copyFileSync(path.join(PLAN, 'hf-llama', 'model.safetensors'), path.join(folder, 'model.safetensors'));
    if (config !== undefined) writeFileSync(path.join(folder, 'config.json'), config);
    return folder;
  }

  it('a Hugging Face model without config.json, or of an architecture no names are known for: the generic rules', async () => {
    for (const [name, config, why] of [['no-config', undefined, /no config\.json beside the weights/], ['my-net', JSON.stringify({ ...original(), architectures: ['MyNetForCausalLM'] }), /\["MyNetForCausalLM"\] has no llama\.cpp names/]] as const) {
      const r = await run('plan', hfFolder(name, config), '--target', 'llama.cpp', '--preset', 'Q4_K_M');
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, /architecture unknown \(.*\): llama-quantize's generic rules apply/, name);
      assert.match(r.stdout, why, name);
      // names kept as the file has them
      assert.match(r.stdout, /model\.layers\.0\.self_attn\.q_proj\.weight\s+Q4_K/, name);
    }
  });

  it('a Hugging Face model of a known architecture: an architecture the converter maps, and its hparams', async () => {
    const cases: readonly (readonly [string, string | undefined, RegExp])[] = [
      ['gemma', JSON.stringify({ ...original(), architectures: ['GemmaForCausalLM'] }), /GemmaForCausalLM model is not supported/],
      ['no-layers', JSON.stringify({ ...original(), num_hidden_layers: undefined }), /needs num_hidden_layers/],
      ['not-json', '{', /config\.json is not valid JSON/],
    ];
    for (const [name, config, message] of cases) {
      const folder = hfFolder(name, config);
      const r = await run('plan', folder, '--target', 'llama.cpp', '--preset', 'Q4_K_M');
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, message, name);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    }
  });

  it('--target modelopt --preset NVFP4_DEFAULT_CFG on a Hugging Face model: its nn.Linear weights NVFP4, the rest kept', async () => {
    const r = await run('plan', path.join(PLAN, 'hf-llama', 'model.safetensors'), '--target', 'modelopt', '--preset', 'NVFP4_DEFAULT_CFG', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as PlanJson;
    assert.deepEqual([j.target, j.preset], ['modelopt', 'NVFP4_DEFAULT_CFG']);
    assert.equal(j.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight')!.type, 'nvfp4');
    assert.equal(j.tensors.find((t) => t.name === 'model.norm.weight')!.type, 'BF16');
    assert.equal(j.totalBytes, j.tensors.reduce((n, t) => n + t.bytes, 0));
  });

  it('--export for the other targets writes the tool\'s file and says how to apply it', async () => {
    const hf = path.join(PLAN, 'hf-llama', 'model.safetensors');
    const cases: readonly (readonly [string, string, string, string, RegExp])[] = [
      ['modelopt', 'NVFP4_DEFAULT_CFG', 'modelopt', hf, /mtq\.quantize/],
      ['modelopt', 'FP8_DEFAULT_CFG', 'modelopt-hf', hf, /hf_quant_config\.json/],
      ['llm-compressor', 'W4A16', 'llm-compressor', hf, /oneshot\(model=model, recipe=/],
      ['torchao', 'Int4WeightOnlyConfig', 'torchao', hf, /apply_plan\(model\)/],
      ['onnxruntime', 'QDQ_QInt8_per_channel', 'onnxruntime', path.join(__dirname, '..', '..', '..', 'samples', 'mlp', 'model.onnx'), /quantize_static\(/],
    ];
    for (const [target, preset, exported, file, apply] of cases) {
      const out = path.join(tmp(), `${exported}.out`);
      const r = await run('plan', file, '--target', target, '--preset', preset, '--export', exported, '--out', out, '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as PlanJson & { export: { target: string; file: string; apply: string } };
      assert.deepEqual([j.export.target, j.export.file], [exported, out]);
      assert.match(j.export.apply, apply);
      assert.ok(readFileSync(out, 'utf8').length > 0, exported);
    }
  });

  const bad: readonly (readonly [string, string[], number, RegExp])[] = [
    ['an unknown preset', [GQA, '--preset', 'Q9_K'], 1, /unknown llama.cpp preset 'Q9_K'/],
    ['no preset', [GQA], 1, /give exactly one of --preset, --budget-bpw, --budget-bytes/],
    ['a budget below the smallest plan', [GQA, '--budget-bpw', '4.5'], 1, /below the smallest plan over these candidates: 4\.5618 bits per weight/],
    ['--export without --out', [GQA, '--preset', 'Q8_0', '--export', 'llama.cpp'], 1, /--export and --out go together/],
    ['another export target', [GQA, '--preset', 'Q8_0', '--export', 'modelopt', '--out', 'x'], 1, /--export modelopt for a llama.cpp plan/],
    ['a Hugging Face folder without --target', [path.join(PLAN, 'hf-llama'), '--preset', 'Q8_0', '--export', 'modelopt', '--out', 'x'], 1, /unknown modelopt preset 'Q8_0' \(one of NVFP4_DEFAULT_CFG, /],
    ['a file without the head count', [NO_HEADS, '--preset', 'Q4_K_M'], 2, /planning needs llama.attention.head_count/],
    ['rows no type fits', [path.join(PLAN, 'odd-rows.gguf'), '--preset', 'Q8_0'], 2, /blk\.0\.ffn_down\.weight: row of 48 not a multiple of 32/],
    ['a bad --keep', [GQA, '--preset', 'Q8_0', '--keep', '('], 1, /--keep \(/],
    ['a preset that needs an importance matrix', [GQA, '--preset', 'IQ2_XXS'], 1, /IQ2_XXS needs an importance matrix \(blk\.0\.attn_k\.weight would be IQ2_XXS\)/],
  ];
  for (const [what, args, code, message] of bad) {
    it(`${what}: a one-line error, exit ${code}, nothing written`, async () => {
      const out = path.join(tmp(), `${what.replace(/\W+/g, '-')}.txt`);
      // every case asks for an export (unless it tests the export flags themselves), so a written file would show
      const argv = args.includes('--out') ? args.map((a) => (a === 'x' ? out : a)) : args.includes('--export') ? args : [...args, '--export', 'llama.cpp', '--out', out];
      const r = await run('plan', ...argv);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(out), 'no file written');
    });
  }
});
