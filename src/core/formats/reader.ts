import type { ByteSource } from '../io/byteSource';
import type { FormatId, Model } from '../tensor';
import type { FileClaim } from './fileClaim';

/** Bytes of the first file handed to every reader's sniff. */
export const SNIFF_BYTES = 4096;

export interface OpenContext {
  /** The files the user named, in order (a folder is already expanded by the registry). */
  readonly paths: readonly string[];
  /** Opens (and tracks, for Model.close) a source; readers open siblings (shards, external data) through it. */
  openSource(path: string): Promise<ByteSource>;
}

/** One reader per format (netron style): a cheap sniff, then a header-only open. */
export interface FormatReader {
  readonly id: FormatId;
  /** The file names this reader claims for the editor, the open dialog and folders. */
  readonly files: readonly FileClaim[];
  /** True when `head` (up to SNIFF_BYTES of the first file) and its path look like this format. */
  sniff(head: Uint8Array, path: string): boolean;
  open(ctx: OpenContext): Promise<Model>;
}
