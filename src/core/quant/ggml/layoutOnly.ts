import { FormatError } from '../../errors';
import type { GgmlDType } from '../../dtypes/dtype';
import type { GgmlTypeTraits } from './table';
import { QK_K } from './kquantFit';

/**
 * Grid-based i-quants: their block layout is known (so files holding them open and list their
 * tensors) but decoding needs ggml's large lattice tables, which are not ported yet.
 */
function layoutOnly(name: GgmlDType, id: number, typeSize: number): GgmlTypeTraits {
  return {
    name,
    id,
    blockSize: QK_K,
    typeSize,
    dequantize() {
      throw new FormatError('ggml', `decoding ${name} blocks is not supported yet (its lattice tables are not ported)`);
    },
  };
}

/** Sizes from ggml-common.h: block_iq2_xxs, block_iq2_xs, block_iq3_xxs, block_iq1_s, block_iq3_s, block_iq2_s, block_iq1_m. */
export const LAYOUT_ONLY_TYPES: readonly GgmlTypeTraits[] = [
  layoutOnly('IQ2_XXS', 16, 2 + QK_K / 4),
  layoutOnly('IQ2_XS', 17, 2 + QK_K / 4 + QK_K / 32),
  layoutOnly('IQ3_XXS', 18, 2 + (3 * QK_K) / 8),
  layoutOnly('IQ1_S', 19, 2 + QK_K / 8 + QK_K / 16),
  layoutOnly('IQ3_S', 21, 2 + (13 * QK_K) / 32 + QK_K / 64),
  layoutOnly('IQ2_S', 22, 2 + QK_K / 4 + QK_K / 16),
  layoutOnly('IQ1_M', 29, QK_K / 8 + QK_K / 16 + QK_K / 32),
];
