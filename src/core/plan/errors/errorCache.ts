/**
 * Per-candidate errors on disk, so a second plan of the same file is instant: one JSON file per
 * (model files' identity, imatrix digest), holding relErr by tensor and type. A file whose path,
 * size or modification time changed gets another key; a damaged cache file is ignored.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandPaths } from '../../formats/folders';

/** 2: int candidates keyed by their tool's convention (name@convention) and computed as that tool does; 3: sums in WebAssembly (equal but for the last bits); 4: large tensors summed in parts (the same). */
const CACHE_VERSION = 4;

/** What the cached errors were computed from. */
export interface ErrorCacheKey {
  readonly files: readonly { readonly path: string; readonly size: number; readonly mtimeMs: number }[];
  /** sha256 of the imatrix file, or null for unweighted errors. */
  readonly imatrix: string | null;
}

/** The CLI's default: $XDG_CACHE_HOME/quantlens when XDG_CACHE_HOME is set, else <os.tmpdir()>/quantlens-cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg ? path.join(xdg, 'quantlens') : path.join(os.tmpdir(), 'quantlens-cache');
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function errorCacheKey(paths: readonly string[], imatrixFile: string | null): Promise<ErrorCacheKey> {
  const files = await Promise.all((await expandPaths(paths)).map(async (f) => {
    const stat = await fs.stat(f);
    return { path: path.resolve(f), size: stat.size, mtimeMs: stat.mtimeMs };
  }));
  return { files, imatrix: imatrixFile === null ? null : await sha256OfFile(imatrixFile) };
}

type RelErrs = Record<string, Record<string, number>>;

function isRelErrs(value: unknown): value is RelErrs {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every((row) => typeof row === 'object' && row !== null
    && Object.values(row as Record<string, unknown>).every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0));
}

export class ErrorCache {
  constructor(readonly dir: string) {}

  private fileOf(key: ErrorCacheKey): string {
    return path.join(this.dir, `errors-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32)}.json`);
  }

  /** The cached errors for `key` (empty when none or the file is damaged). */
  async load(key: ErrorCacheKey): Promise<RelErrs> {
    try {
      const stored = JSON.parse(await fs.readFile(this.fileOf(key), 'utf8')) as { version?: unknown; key?: unknown; relErr?: unknown };
      if (stored.version !== CACHE_VERSION || JSON.stringify(stored.key) !== JSON.stringify(key) || !isRelErrs(stored.relErr)) return {};
      return stored.relErr;
    } catch {
      return {};
    }
  }

  /** Writes atomically (a temporary file renamed), so a reader never sees half a file. */
  async save(key: ErrorCacheKey, relErr: RelErrs): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = this.fileOf(key);
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, JSON.stringify({ version: CACHE_VERSION, key, relErr }));
    await fs.rename(temporary, file);
  }
}
