import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { TruncatedPickleError } from '../../pickle/pickleInput';
import { MAX_PICKLE_BYTES } from '../../pickle/unpickler';
import { FORMAT } from './pickle';

/** Bytes read before parsing; doubled while the pickles run past them, up to MAX_PICKLE_BYTES. */
export const INITIAL_PICKLE_WINDOW = 1024 * 1024;

/**
 * Parses the pickles at the start of `source` from a window that grows while they run past
 * its end: a small pickle costs one small read, and memory follows what the pickles need,
 * never what a file or a deflated member claims to hold. `blame` maps the errors of the
 * pickles (not of reading the source) to where they are in the file.
 */
export async function parseGrowing<T>(source: ByteSource, parse: (bytes: Uint8Array) => T, blame: (e: unknown) => unknown = (e) => e): Promise<T> {
  const maxWindow = Math.min(source.size, MAX_PICKLE_BYTES);
  for (let window = Math.min(source.size, INITIAL_PICKLE_WINDOW); ; window = Math.min(maxWindow, window * 2)) {
    const bytes = await source.read(0, window, FORMAT);
    try {
      return parse(bytes);
    } catch (e) {
      if (!(e instanceof TruncatedPickleError)) throw blame(e);
      if (window >= maxWindow && window < source.size) {
        throw blame(new FormatError(FORMAT, `pickles are larger than the limit of ${MAX_PICKLE_BYTES} bytes`, window));
      }
      if (window >= maxWindow) throw blame(e);
    }
  }
}
