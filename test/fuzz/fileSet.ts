/** The files of one fuzz input: the first is the file the user names, the rest its siblings (shards, external data). */
export interface FuzzFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export type FileSet = readonly FuzzFile[];

export function totalBytes(files: FileSet): number {
  return files.reduce((n, f) => n + f.bytes.length, 0);
}

export function largestFile(files: FileSet): number {
  return files.reduce((n, f) => Math.max(n, f.bytes.length), 0);
}

/** The set with file `index` replaced by `bytes`. */
export function withFile(files: FileSet, index: number, bytes: Uint8Array): FileSet {
  return files.map((f, i) => (i === index ? { name: f.name, bytes } : f));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
