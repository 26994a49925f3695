/**
 * Cuts a stream of chunks into spans of whole groups, for schemes whose parameters come from
 * each group's own values (per-group int, nf4/fp4 blocks, mxfp4, ggml blocks).
 *
 * The tensor is viewed as rows of `rowLength` elements, each cut into groups of `groupSize`
 * with a short last group when the row length is not a multiple. A group cut by a chunk
 * boundary is carried over (memory O(groupSize)).
 */
export class GroupAssembler {
  private readonly carry: Float32Array;
  private carryStart = 0;
  private carryLength = 0;

  constructor(readonly rowLength: number, readonly groupSize: number) {
    this.carry = new Float32Array(Math.min(groupSize, rowLength));
  }

  /**
   * Feeds chunk x[0..n) holding elements [start, start + n); calls `emit(values, from, to, firstIndex)`
   * for each span values[from..to) of whole groups, firstIndex being the flat index of values[from].
   */
  feed(x: Float32Array, n: number, start: number, emit: (values: Float32Array, from: number, to: number, firstIndex: number) => void): void {
    let pos = 0;
    if (this.carryLength > 0) {
      const need = this.groupEnd(this.carryStart) - (this.carryStart + this.carryLength);
      const take = Math.min(need, n);
      this.carry.set(x.subarray(0, take), this.carryLength);
      this.carryLength += take;
      pos = take;
      if (take < need) return;
      emit(this.carry, 0, this.carryLength, this.carryStart);
      this.carryLength = 0;
    }
    const end = start + n;
    const boundary = this.lastBoundaryAtOrBefore(end);
    if (boundary > start + pos) emit(x, pos, boundary - start, start + pos);
    const tailFrom = Math.max(boundary, start + pos);
    if (tailFrom < end) {
      this.carry.set(x.subarray(tailFrom - start, n), 0);
      this.carryStart = tailFrom;
      this.carryLength = end - tailFrom;
    }
  }

  /** True when no partial group is pending (the tensor ended on a group boundary, as it must). */
  get drained(): boolean {
    return this.carryLength === 0;
  }

  /** End (exclusive) of the group that starts at flat index `groupStart`. */
  groupEnd(groupStart: number): number {
    const rowStart = groupStart - (groupStart % this.rowLength);
    return Math.min(groupStart + this.groupSize, rowStart + this.rowLength);
  }

  private lastBoundaryAtOrBefore(index: number): number {
    const col = index % this.rowLength;
    return index - col + Math.floor(col / this.groupSize) * this.groupSize;
  }
}

/** Calls `each(from, to)` for every group of a span that starts on a group boundary. */
export function forEachGroup(
  assembler: GroupAssembler, from: number, to: number, firstIndex: number, each: (from: number, to: number) => void,
): void {
  let index = firstIndex;
  for (let i = from; i < to;) {
    const length = assembler.groupEnd(index) - index;
    each(i, i + length);
    i += length;
    index += length;
  }
}
