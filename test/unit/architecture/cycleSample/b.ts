/** The other half of the loop with a.ts. */
import type { A } from './a';

export interface B {
  readonly a: A;
}
