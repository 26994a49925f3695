import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LlamaPlan } from '../../../src/core/plan/llamaCpp/planPreset';
import type { Plan } from '../../../src/core/plan/planTypes';

/** test/fixtures/plan: tiny models, and what the real llama-quantize wrote for each preset (scripts/fixtures/fixtures_plan.py). */
export const PLAN_FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plan');

export interface WrittenTensor {
  readonly name: string;
  readonly type: string;
  readonly bytes: number;
}

/** One llama-quantize run: the tensors of the file it wrote, or its error. */
export type QuantizeRun = { readonly tensors: readonly WrittenTensor[]; readonly totalBytes: number } | { readonly error: string };

/** llama-quantize --dry-run: every tensor's type, and whether the real run would need an imatrix; or its error. */
export type DryRun = { readonly types: Readonly<Record<string, string>>; readonly needsImatrix: boolean } | { readonly error: string };

export interface FixtureExpectations {
  readonly presets: Readonly<Record<string, QuantizeRun>>;
  readonly dryRun: Readonly<Record<string, DryRun>>;
  readonly pure: Readonly<Record<string, QuantizeRun>>;
  readonly imatrix?: Readonly<Record<string, QuantizeRun>>;
  /** hf-llama: the tensors convert_hf_to_gguf.py wrote. */
  readonly converted?: readonly WrittenTensor[];
}

export const EXPECTED = JSON.parse(readFileSync(path.join(PLAN_FIXTURES, 'expected.json'), 'utf8')) as {
  readonly tool: string;
  readonly fixtures: Readonly<Record<string, FixtureExpectations>>;
};

export const GGUF_FIXTURES = Object.keys(EXPECTED.fixtures).filter((f) => f.endsWith('.gguf'));

/** The plan equals what llama-quantize wrote: same tensors, each with the same type and bytes; or both fail. */
export function assertSameAsQuantize(plan: () => Plan, written: QuantizeRun, what: string): void {
  if ('error' in written) {
    // llama-quantize's own message when no fallback exists; with --pure it aborts on the misfit row
    const expected = /no tensor type fallback/.test(written.error) ? written.error : 'not a whole number of its blocks';
    assert.throws(plan, (e: Error) => e.message.includes(expected), `${what}: llama-quantize failed (${written.error}), the plan must too`);
    return;
  }
  const p = plan();
  const planned = new Map(p.tensors.map((t) => [t.name, t]));
  assert.deepEqual([...planned.keys()].sort(), written.tensors.map((t) => t.name).sort(), `${what}: tensor names`);
  for (const t of written.tensors) {
    const got = planned.get(t.name)!;
    assert.equal(got.type, t.type, `${what}: ${t.name} type (${got.reason})`);
    assert.equal(got.bytes, t.bytes, `${what}: ${t.name} bytes`);
  }
  assert.equal(p.totalBytes, written.totalBytes, `${what}: total bytes`);
}

/** The plan's types equal what llama-quantize --dry-run reported, tensor by tensor, and it needs an imatrix where the tool said so. */
export function assertSameAsDryRun(plan: () => LlamaPlan, dry: DryRun, what: string): void {
  if ('error' in dry) {
    assert.throws(plan, (e: Error) => e.message.includes(dry.error), `${what}: llama-quantize failed (${dry.error}), the plan must too`);
    return;
  }
  const p = plan();
  assert.deepEqual(Object.fromEntries(p.tensors.map((t) => [t.name, t.type])), dry.types, what);
  assert.equal(p.needsImatrix.length > 0, dry.needsImatrix, `${what}: needs an imatrix (${p.needsImatrix.join(', ')})`);
}
