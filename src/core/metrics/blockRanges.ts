import type { BlockRequest, BlockStats } from '../../shared/webviewProtocol';

/** More bars than this are unreadable: consecutive blocks are pooled into one bar, which also bounds the output. */
export const MAX_BARS = 4096;

/** Why a tensor of `shape` has no per-channel / per-group ranges, or null. */
export function blockRangesProblem(shape: readonly number[], r: BlockRequest): string | null {
  if (shape.length < 2) return `Per-${r.granularity} scales need a tensor of rank 2 or more.`;
  if (r.granularity === 'group' && !(r.groupSize !== null && Number.isInteger(r.groupSize) && r.groupSize > 0)) return 'Group size must be a positive integer.';
  return null;
}

/**
 * Where each block ends in the flat row-major order. A block (a row of `[shape[0], rest]`, or a
 * group along the last axis) is always one contiguous run, and blocks follow each other in order.
 */
interface BlockLayout {
  readonly blocks: number;
  /** Flat index one past block `b`'s last element. */
  end(b: number): number;
}

function blockLayout(shape: readonly number[], numel: number, r: BlockRequest): BlockLayout {
  if (r.granularity === 'channel') {
    const channels = shape[0] ?? 1;
    const rowLength = channels > 0 ? numel / channels : 0;
    return { blocks: channels, end: (b) => (b + 1) * rowLength };
  }
  const last = shape[shape.length - 1] ?? 1;
  const size = r.groupSize ?? last;
  const perRow = Math.ceil(last / size);
  const rows = last > 0 ? numel / last : 0;
  return {
    blocks: rows * perRow,
    end: (b) => {
      const row = Math.floor(b / perRow);
      return row * last + Math.min((b - row * perRow + 1) * size, last);
    },
  };
}

/**
 * Absmax and max − min of every block of a tensor fed in order, chunk by chunk. Memory is one
 * open block plus MAX_BARS bars, whatever the tensor's size: each finished block is folded into
 * its bar (`pooled` consecutive blocks per bar, by their largest value) at once.
 */
export class BlockRangeAccumulator {
  private readonly layout: BlockLayout;
  private readonly pooled: number;
  private readonly absMax: Float64Array;
  private readonly span: Float64Array;
  /** Elements seen so far: chunks must arrive in order. */
  private consumed = 0;
  private block = 0;
  private blockEnd: number;
  private lo = Infinity;
  private hi = -Infinity;

  /** `request` is one that blockRangesProblem accepts for `shape`. */
  constructor(shape: readonly number[], private readonly numel: number, private readonly request: BlockRequest) {
    this.layout = blockLayout(shape, numel, request);
    this.pooled = Math.max(1, Math.ceil(this.layout.blocks / MAX_BARS));
    const bars = Math.ceil(this.layout.blocks / this.pooled);
    this.absMax = new Float64Array(bars);
    this.span = new Float64Array(bars);
    this.blockEnd = this.layout.blocks > 0 ? this.layout.end(0) : 0;
  }

  /** Values [start, start + x.length) of the tensor, as float32; `start` continues the previous chunk. */
  add(x: Float32Array, start: number): void {
    if (start !== this.consumed) throw new RangeError(`block ranges: chunk at ${start}, expected ${this.consumed}`);
    if (start + x.length > this.numel) throw new RangeError(`block ranges: chunk ends at ${start + x.length}, past ${this.numel} values`);
    let i = 0;
    while (i < x.length) {
      const stop = Math.min(x.length, this.blockEnd - start);
      let lo = this.lo;
      let hi = this.hi;
      for (; i < stop; i++) {
        const v = x[i]!;
        // Non-finite values have no place in a range: a block of only those counts as zero.
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.lo = lo;
      this.hi = hi;
      if (start + i === this.blockEnd) this.closeBlock();
    }
    this.consumed = start + x.length;
  }

  finish(): BlockStats {
    if (this.consumed !== this.numel) throw new RangeError(`block ranges: ${this.consumed} of ${this.numel} values seen`);
    return { ...this.request, blocks: this.layout.blocks, pooled: this.pooled, absMax: Array.from(this.absMax), span: Array.from(this.span) };
  }

  private closeBlock(): void {
    if (this.lo <= this.hi) {
      const bar = Math.floor(this.block / this.pooled);
      this.absMax[bar] = Math.max(this.absMax[bar]!, Math.abs(this.lo), Math.abs(this.hi));
      this.span[bar] = Math.max(this.span[bar]!, this.hi - this.lo);
    }
    this.block++;
    this.blockEnd = this.block < this.layout.blocks ? this.layout.end(this.block) : this.numel;
    this.lo = Infinity;
    this.hi = -Infinity;
  }
}
