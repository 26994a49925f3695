import type { AnalysisProgress } from '../shared/analysisTypes';

/** Redraws at most this often: faster is flicker, and each write costs the terminal. */
const REDRAW_INTERVAL_MS = 100;
const BAR_CELLS = 30;

/** A one-line progress bar redrawn in place on a terminal (stderr), erased when done. */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly started: number;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(p: AnalysisProgress): void {
    const t = this.now();
    if (t - this.lastDraw < REDRAW_INTERVAL_MS && p.tensorsDone < p.tensorsTotal) return;
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write(`\r${progressLine(p, (t - this.started) / 1000)}\x1b[K`);
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** `analyzing [#######.......]  42%  12/291 tensors  1.21 G values/s  ETA 12 s` */
export function progressLine(p: AnalysisProgress, elapsedSeconds: number): string {
  const share = p.elementsTotal > 0 ? Math.min(1, p.elementsDone / p.elementsTotal) : 0;
  const filled = Math.round(share * BAR_CELLS);
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_CELLS - filled);
  const rate = elapsedSeconds > 0 ? p.elementsDone / elapsedSeconds : 0;
  const eta = rate > 0 ? ` ETA ${Math.ceil((p.elementsTotal - p.elementsDone) / rate)} s` : '';
  const speed = rate > 0 ? `  ${(rate / 1e9).toFixed(2)} G values/s` : '';
  return `analyzing [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.tensorsDone}/${p.tensorsTotal} tensors${speed}${eta}`;
}
