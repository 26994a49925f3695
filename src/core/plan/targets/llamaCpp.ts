import { NAMED_FORMAT_TABLE } from '../../../shared/vocab/namedFormats';
import type { GgmlDType } from '../../../shared/vocab/dtypes';
import { candidateOfType, type Candidate } from '../costModel';
import { fallbackOf } from '../llamaCpp/fallback';
import { whyNotQuantized } from '../llamaCpp/notQuantized';
import { planTarget } from './planTarget';

/** ggml types QuantLens has a reference quantizer for (the ggml named formats), so their errors can be measured. */
const GGML_CANDIDATES: readonly Candidate[] = Object.values(NAMED_FORMAT_TABLE)
  .filter((entry): entry is Extract<typeof entry, { family: 'ggml' }> => entry.family === 'ggml')
  .map((entry) => ({ kind: 'ggml', type: entry.type as GgmlDType }));

/**
 * llama-quantize: ggml types per tensor (--tensor-type), its own exclusions (tensor_allows_quantization),
 * its fallbacks for rows not a whole number of blocks (tensor_type_fallback, applied to --tensor-type too),
 * no shared groups. The default candidates include the 32-value types, so rows of 32 have real choices,
 * and IQ4_XS (4.25 bpw, no imatrix needed), the cheapest 4-bit type llama-quantize offers for rows of 256.
 */
export const LLAMA_CPP_TARGET = planTarget({
  name: 'llama.cpp',
  candidates: [...GGML_CANDIDATES, { kind: 'float', type: 'F16' }, { kind: 'float', type: 'BF16' }, { kind: 'float', type: 'F32' }, { kind: 'keep' }],
  defaultCandidates: ['Q4_K', 'Q5_K', 'Q6_K', 'Q8_0', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'IQ4_NL', 'IQ4_XS'],
  notPlanned: (tensor) => whyNotQuantized(tensor.name, tensor.ne),
  groupOf: () => null,
  fallback: (candidate, tensor) => {
    if (candidate.kind !== 'ggml') return null;
    const result = fallbackOf(tensor.ne[0] ?? 1, candidate.type);
    return result?.reason ? { candidate: candidateOfType(result.type), reason: result.reason } : null;
  },
});
