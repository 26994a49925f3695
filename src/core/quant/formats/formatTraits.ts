import {
  formatLayout, NAMED_FORMAT_TABLE, NAMED_FORMATS, type FormatLayout, type NamedFormat, type NamedFormatEntry, type NamedFormatOf,
} from '../../../shared/vocab/namedFormats';
import type { GgmlDType } from '../../../shared/vocab/ggmlTypes';
import type { Bnb4Kind } from './bnb4';
import { BF16, FP16, FP8_E4M3, FP8_E5M2, type MinifloatSpec } from './minifloat';

/**
 * The implementation attached to each named format of the shared table (which holds the names,
 * families and layouts). Only casts need a per-format entry here; bitsandbytes formats carry
 * their code table, and ggml formats run their type's quantizer from the ggml type table.
 */

/** The minifloat each cast rounds to. */
const CAST_SPECS: Readonly<Record<NamedFormatOf<'cast'>, MinifloatSpec>> = {
  fp16: FP16,
  bf16: BF16,
  fp8_e4m3: FP8_E4M3,
  fp8_e5m2: FP8_E5M2,
};

/** How a named format is computed. */
export type FormatFamily =
  | { readonly kind: 'cast'; readonly spec: MinifloatSpec }
  | { readonly kind: 'bnb4'; readonly table: Bnb4Kind }
  | { readonly kind: 'mxfp4' }
  | { readonly kind: 'nvfp4' }
  | { readonly kind: 'ggml'; readonly type: GgmlDType };

export interface FormatTraits extends FormatLayout {
  readonly format: NamedFormat;
  readonly family: FormatFamily;
  readonly source: string;
}

function family(format: NamedFormat): FormatFamily {
  const entry: NamedFormatEntry = NAMED_FORMAT_TABLE[format];
  switch (entry.family) {
    case 'cast': return { kind: 'cast', spec: CAST_SPECS[format as NamedFormatOf<'cast'>] };
    case 'bnb4': return { kind: 'bnb4', table: entry.codebook };
    case 'mx': return { kind: 'mxfp4' };
    case 'nvfp4': return { kind: 'nvfp4' };
    case 'ggml': return { kind: 'ggml', type: entry.type };
  }
}

export const FORMATS: Readonly<Record<NamedFormat, FormatTraits>> = Object.fromEntries(
  NAMED_FORMATS.map((format) => [format, { format, family: family(format), source: NAMED_FORMAT_TABLE[format].source, ...formatLayout(format) }]),
) as Record<NamedFormat, FormatTraits>;
