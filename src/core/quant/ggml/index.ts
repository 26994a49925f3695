/**
 * Importing this module fills GGML_TYPES with every ggml block type: one traits object per type
 * (layout, dequantize_row_*, quantize_row_*_ref), like ggml's type_traits table.
 */
import { GGML_TYPES, registerGgmlType, type GgmlTypeTraits } from './table';
import { Q4_0 } from './q4_0';
import { Q4_1 } from './q4_1';
import { Q5_0 } from './q5_0';
import { Q5_1 } from './q5_1';
import { Q8_0 } from './q8_0';
import { Q8_1 } from './q8_1';
import { Q2_K } from './q2_k';
import { Q3_K } from './q3_k';
import { Q4_K } from './q4_k';
import { Q5_K } from './q5_k';
import { Q6_K } from './q6_k';
import { Q8_K } from './q8_k';
import { IQ4_NL, IQ4_XS } from './iq4';
import { MXFP4 } from './mxfp4';
import { TQ1_0, TQ2_0 } from './ternary';
import { IQ2_XXS, IQ2_XS, IQ2_S } from './iq2';
import { IQ3_XXS, IQ3_S } from './iq3';
import { IQ1_S, IQ1_M } from './iq1';
import { NVFP4 } from './nvfp4';
import { Q1_0 } from './q1_0';
import { Q2_0 } from './q2_0';

export const ALL_GGML_TYPES: readonly GgmlTypeTraits[] = [
  Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1,
  Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K,
  IQ4_NL, IQ4_XS, MXFP4, TQ1_0, TQ2_0,
  IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M,
  NVFP4, Q1_0, Q2_0,
];

for (const t of ALL_GGML_TYPES) registerGgmlType(t);

export { GGML_TYPES };
export type { GgmlTypeTraits };
