import { openModel } from '../../core/formats';
import { CancelledError } from '../../core/errors';
import { fileChangedError, isFileChanged, versionOf } from '../../core/io/fileIdentity';
import type { Model } from '../../core/tensor';

/** Models kept open per worker: each holds file handles and parsed headers (a GGUF header can be MBs). */
const MAX_OPEN_MODELS = 4;

interface CachedModel {
  readonly key: string;
  readonly model: Promise<Model>;
  /** The paths' version (inode, size, mtime) when opened: a change on disk makes the cached headers stale. */
  readonly fingerprint: string;
  users: number;
  /** Out of the cache (stale, failed or evicted): closed when its last user is done. */
  retired: boolean;
}

/**
 * Opened models keyed by their path list, so the many requests of one analysis parse headers once.
 * `use` lends a model for the duration of `work`; a model is closed only when nobody uses it.
 */
export class ModelCache {
  private readonly entries: CachedModel[] = [];

  /**
   * `version` (versionOf, taken when the job began) pins the files: found otherwise before or
   * after the open, the request fails with "the file changed on disk"; the reads check the rest.
   */
  async use<T>(paths: readonly string[], work: (model: Model) => Promise<T>, version?: string): Promise<T> {
    const entry = await this.acquire(paths);
    const changed = async (): Promise<boolean> => version !== undefined && (entry.fingerprint !== version || (await versionOf(paths)) !== version);
    try {
      const model = await entry.model;
      if (await changed()) throw fileChangedError(paths[0] ?? '');
      return await work(model);
    } catch (e) {
      // A file cut short mid-parse or mid-read fails in many ways; if it changed, that is the one to tell.
      if (!isFileChanged(e) && !(e instanceof CancelledError) && (await changed())) throw fileChangedError(paths[0] ?? '');
      throw e;
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) void closeQuietly(entry.model);
      this.evictIdle();
    }
  }

  async closeAll(): Promise<void> {
    const all = this.entries.splice(0);
    await Promise.all(all.map((e) => closeQuietly(e.model)));
  }

  private async acquire(paths: readonly string[]): Promise<CachedModel> {
    const key = JSON.stringify(paths);
    const fingerprint = await versionOf(paths);
    const index = this.entries.findIndex((e) => e.key === key);
    const found = index >= 0 ? this.entries[index] : undefined;
    if (found) {
      this.entries.splice(index, 1);
      const failed = await found.model.then(() => false, () => true);
      if (found.fingerprint === fingerprint && !failed) {
        this.entries.unshift(found);
        found.users++;
        return found;
      }
      this.retire(found);
    }
    const model = openModel(paths);
    // A failed open is reported to the caller that awaits it; this only silences the cache's copy.
    model.catch(() => undefined);
    const entry: CachedModel = { key, model, fingerprint, users: 1, retired: false };
    this.entries.unshift(entry);
    this.evictIdle();
    return entry;
  }

  private retire(entry: CachedModel): void {
    entry.retired = true;
    if (entry.users === 0) void closeQuietly(entry.model);
  }

  private evictIdle(): void {
    for (let i = this.entries.length - 1; i >= 0 && this.entries.length > MAX_OPEN_MODELS; i--) {
      const e = this.entries[i]!;
      if (e.users > 0) continue;
      this.entries.splice(i, 1);
      this.retire(e);
    }
  }
}

async function closeQuietly(model: Promise<Model>): Promise<void> {
  try {
    await (await model).close();
  } catch {
    // Failed to open, or already closed: nothing to release.
  }
}
