import type { FileSet } from '../fileSet';

/** Numbers fast-check draws for one mutation; each mutator reads them its own way (position, value, count...). */
export interface MutationParams {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

export interface MutationContext {
  /** Other inputs of the same target, for splicing. */
  readonly donors: readonly FileSet[];
}

export interface Mutator {
  readonly name: string;
  /** The mutated set, or undefined when the mutation does not apply to this input (it is then skipped). */
  apply(files: FileSet, p: MutationParams, ctx: MutationContext): FileSet | undefined;
}

/**
 * A mutated file larger than this is dropped: the fuzzer looks for work out of proportion to
 * the input, which shows on small inputs (a 60 KB file for 35 s); big inputs only run slowly.
 */
export const MAX_MUTATED_FILE_BYTES = 1024 * 1024;

export function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}
