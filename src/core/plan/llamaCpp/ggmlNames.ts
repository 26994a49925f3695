import type { PlanType } from '../planTypes';

/** ggml_type_name: lower case, the K of k-quants capital (q4_K, iq4_nl, f16). */
export function ggmlTypeName(type: PlanType): string {
  return type.toLowerCase().replace(/_k$/, '_K');
}
