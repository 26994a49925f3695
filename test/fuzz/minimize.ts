import { concatBytes, withFile, type FileSet } from './fileSet';

/**
 * Delta debugging over bytes: removes ever smaller chunks of each file while the input still
 * fails the same way, until the budget is spent. What remains is the regression test's input.
 */
export async function minimizeBytes(files: FileSet, stillFails: (files: FileSet) => Promise<boolean>, budgetMs: number): Promise<FileSet> {
  const deadline = Date.now() + budgetMs;
  let current = files;
  for (let index = 0; index < current.length; index++) {
    for (let chunk = Math.ceil(current[index]!.bytes.length / 2); chunk >= 1; chunk = Math.floor(chunk / 2)) {
      for (let at = 0; at < current[index]!.bytes.length; ) {
        if (Date.now() > deadline) return current;
        const bytes = current[index]!.bytes;
        const candidate = withFile(current, index, concatBytes([bytes.subarray(0, at), bytes.subarray(at + chunk)]));
        if (await stillFails(candidate)) current = candidate;
        else at += chunk;
      }
    }
  }
  return current;
}
