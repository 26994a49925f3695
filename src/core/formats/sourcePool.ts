import * as path from 'node:path';
import { FormatError } from '../errors';
import { FileByteSource, type ByteSource } from '../io/byteSource';

/** The files one model keeps open (one handle per path), closed together with the model. */
export class SourcePool {
  private readonly sources = new Map<string, Promise<ByteSource>>();

  /** `openFile` opens one path: the disk's, or (the fuzz harness) a file held in memory. */
  constructor(private readonly openFile: (file: string) => Promise<ByteSource> = (file) => FileByteSource.open(file)) {}

  open(file: string): Promise<ByteSource> {
    const key = path.resolve(file);
    let pending = this.sources.get(key);
    if (!pending) {
      pending = this.openFile(file).catch((e: unknown) => {
        this.sources.delete(key);
        const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw new FormatError('file', `cannot open ${path.basename(file)}: ${reason}`, undefined, file);
      });
      this.sources.set(key, pending);
    }
    return pending;
  }

  async closeAll(): Promise<void> {
    const pending = [...this.sources.values()];
    this.sources.clear();
    await Promise.all(pending.map((p) => p.then((s) => s.close()).catch(() => undefined)));
  }
}
