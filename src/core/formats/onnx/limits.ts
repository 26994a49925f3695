/** Limits on what an ONNX file may declare; each guards memory or time against hostile files. */

/** Names, op types, keys: longer is corruption, and each is held in memory. */
export const MAX_NAME_BYTES = 64 * 1024;
/** metadata_props values above this are shown as their size, not read. */
export const MAX_METADATA_VALUE_BYTES = 1024 * 1024;
/** numpy's own ceiling on ndim (NPY_MAXDIMS in numpy 2); more is corruption. */
export const MAX_DIMS = 64;
/** Listed tensors (and skipped ones) over all graphs: the listing stays in memory. */
export const MAX_TENSORS = 1 << 20;
/** If/Loop/Scan nesting; real models nest a handful (silero_vad: 4). */
export const MAX_GRAPH_DEPTH = 32;
/** Attributes one node may carry: operator schemas define a few dozen at most. */
export const MAX_ATTRIBUTES = 4096;
/** Graph inputs and outputs listed in the metadata. */
export const MAX_GRAPH_IO = 1 << 16;
/** metadata_props and opset_import entries. */
export const MAX_MODEL_ENTRIES = 1 << 16;
/**
 * Varint payloads up to this size are counted at open so a wrong count is reported by inspect;
 * bigger ones (never written by real exporters, which use raw_data) are checked when read.
 */
export const VARINT_COUNT_AT_OPEN_BYTES = 4 * 1024 * 1024;
