import type { PlainDType } from '../../../shared/vocab/dtypes';
import type { RepeatedScalar } from '../../protobuf/repeatedScalar';
import type { Span } from '../../protobuf/walker';

/** Where a tensor's values are, found at open and turned into lazy TensorData afterwards. */
export type TensorStorage =
  /** Little-endian elements of the dtype in one run of the model file (raw_data, value_float). */
  | { readonly kind: 'raw'; readonly span: Span }
  /** float_data / double_data / value_floats: fixed-width elements, maybe in several runs. */
  | { readonly kind: 'fixed'; readonly run: RepeatedScalar }
  /** int32_data / int64_data / uint64_data / value_int(s): varints. */
  | { readonly kind: 'varint'; readonly run: RepeatedScalar }
  /** external_data: a byte range of a file next to the model. */
  | { readonly kind: 'external'; readonly location: string; readonly offset: number; readonly length: number };

/** One listable tensor: what inspect shows, plus where its payload is. */
export interface TensorPlan {
  readonly name: string;
  /** The model file, or the subgraph path (`If_0/then_branch`) for tensors inside subgraphs. */
  readonly source: string;
  readonly dtype: PlainDType;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly storage: TensorStorage;
  /** Offset of the TensorProto (or attribute) in the model file, for error messages. */
  readonly at: number;
}

/** A tensor the file holds that is not listed (strings, sparse, types without an exact decoder). */
export interface SkippedTensor {
  readonly name: string;
  /** ONNX type name (`STRING`, `FLOAT8E4M3FNUZ`), or what kind of value it is (`sparse`). */
  readonly dtype: string;
  readonly source: string;
  readonly reason: string;
}
