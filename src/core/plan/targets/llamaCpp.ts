import { NAMED_FORMAT_TABLE } from '../../../shared/vocab/namedFormats';
import type { GgmlDType } from '../../../shared/vocab/dtypes';
import type { Candidate } from '../costModel';
import { whyNotQuantized } from '../llamaCpp/notQuantized';
import { planTarget } from './planTarget';

/** ggml types QuantLens has a reference quantizer for (the ggml named formats), so their errors can be measured. */
const GGML_CANDIDATES: readonly Candidate[] = Object.values(NAMED_FORMAT_TABLE)
  .filter((entry): entry is Extract<typeof entry, { family: 'ggml' }> => entry.family === 'ggml')
  .map((entry) => ({ kind: 'ggml', type: entry.type as GgmlDType }));

/** llama-quantize: ggml types per tensor (--tensor-type), its own exclusions (tensor_allows_quantization), no shared groups. */
export const LLAMA_CPP_TARGET = planTarget({
  name: 'llama.cpp',
  candidates: [...GGML_CANDIDATES, { kind: 'float', type: 'F16' }, { kind: 'float', type: 'BF16' }, { kind: 'float', type: 'F32' }, { kind: 'keep' }],
  defaultCandidates: ['Q4_K', 'Q5_K', 'Q6_K', 'Q8_0'],
  notPlanned: (tensor) => whyNotQuantized(tensor.name, tensor.ne),
  groupOf: () => null,
});
