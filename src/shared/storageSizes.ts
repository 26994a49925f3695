import type { ModelSummary, NamedFormat, TensorSummary } from './analysisTypes';
import { isDType, isFloatDType } from './vocab/dtypes';
import { formatLayout } from './vocab/namedFormats';

/** One row of the Overview size table: the model stored as `label`. */
export interface StorageRow {
  readonly label: string;
  readonly bitsPerValue: number;
  readonly bytes: number;
  /** File size / bytes: above 1 means smaller than the file. */
  readonly compression: number;
}

const BASE_TYPES: readonly (readonly [string, number])[] = [
  ['FP32', 32], ['FP16', 16], ['BF16', 16], ['FP8', 8], ['INT8', 8], ['INT4', 4], ['INT2', 2],
];

/** Float tensors (and ggml blocks, which decode to float) are what quantization would re-store. */
export function isQuantizable(t: TensorSummary): boolean {
  return isDType(t.dtype) && isFloatDType(t.dtype);
}

export function totalParams(summary: ModelSummary): number {
  return summary.tensors.reduce((n, t) => n + t.numel, 0);
}

/** Size of the model if every quantizable tensor were stored at each type; others stay as stored. */
export function storageTable(summary: ModelSummary, formats: readonly NamedFormat[]): StorageRow[] {
  let quantizable = 0;
  let fixedBytes = 0;
  for (const t of summary.tensors) {
    if (isQuantizable(t)) quantizable += t.numel;
    else fixedBytes += t.byteLength;
  }
  const fileBytes = summary.sizeOnDisk;
  const row = (label: string, bitsPerValue: number): StorageRow => {
    const bytes = fixedBytes + Math.ceil((quantizable * bitsPerValue) / 8);
    return { label, bitsPerValue, bytes, compression: bytes > 0 ? fileBytes / bytes : 0 };
  };
  return [
    ...BASE_TYPES.map(([label, bits]) => row(label, bits)),
    ...formats.map((f) => row(f, formatLayout(f).bitsPerWeight)),
  ];
}

/** Parameters and bytes per stored dtype, largest first. */
export function dtypeBreakdown(summary: ModelSummary): { dtype: string; tensors: number; params: number; bytes: number }[] {
  const byType = new Map<string, { dtype: string; tensors: number; params: number; bytes: number }>();
  for (const t of summary.tensors) {
    const e = byType.get(t.dtype) ?? { dtype: t.dtype, tensors: 0, params: 0, bytes: 0 };
    e.tensors += 1;
    e.params += t.numel;
    e.bytes += t.byteLength;
    byType.set(t.dtype, e);
  }
  return [...byType.values()].sort((a, b) => b.params - a.params);
}
