/** A clipping range; symmetric methods return [-a, a] (clamped to the data when a tool does so). */
export interface ClipRange {
  readonly min: number;
  readonly max: number;
}
