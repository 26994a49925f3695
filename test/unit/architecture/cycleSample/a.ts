/** Half of a two-file import loop: the sample the cycle finder must report. */
import type { B } from './b';
import { C } from './c';

export interface A {
  readonly b: B | null;
  readonly c: C;
}
