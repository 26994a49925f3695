import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** test/fixtures/plan: tiny models, and what the real llama-quantize wrote for each preset (scripts/fixtures/fixtures_plan.py). */
export const PLAN_FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plan');

export interface WrittenTensor {
  readonly name: string;
  readonly type: string;
  readonly bytes: number;
}

/** One llama-quantize run: the tensors of the file it wrote, or its error. */
export type QuantizeRun = { readonly tensors: readonly WrittenTensor[]; readonly totalBytes: number } | { readonly error: string };

export interface FixtureExpectations {
  readonly presets: Readonly<Record<string, QuantizeRun>>;
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
