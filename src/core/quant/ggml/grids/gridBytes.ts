/** Grid tables as ggml holds them in memory (little-endian), so an index reads its values as bytes. */

/** Each u64 entry -> 8 bytes, lowest first: ggml reads `(const uint8_t *)(grid + index)`. */
export function u64Grid(entries: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(entries.length * 8);
  const view = new DataView(bytes.buffer);
  entries.forEach((e, i) => view.setBigUint64(i * 8, e, true));
  return bytes;
}

/** Each u32 entry -> 4 bytes, lowest first. */
export function u32Grid(entries: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(entries.length * 4);
  const view = new DataView(bytes.buffer);
  entries.forEach((e, i) => view.setUint32(i * 4, e, true));
  return bytes;
}
