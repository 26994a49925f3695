import { deflateRawSync } from 'node:zlib';

export interface MemberSpec {
  readonly name: string;
  readonly data: Uint8Array;
  readonly deflate?: boolean;
  /** Overrides the uncompressed size written in the central directory. */
  readonly declaredSize?: number;
}

export interface ZipOptions {
  /** Write ZIP64 extra fields for every member and the ZIP64 end records. */
  readonly zip64?: boolean;
  /** Overrides the member count written in the end record(s). */
  readonly declaredCount?: number;
  /** Overrides the central directory size written in the end record(s). */
  readonly declaredDirectorySize?: number;
  readonly comment?: string;
}

/** A minimal zip writer (APPNOTE 4.3) for tests: local headers, data, central directory, end records. */
export function buildZip(members: readonly MemberSpec[], options: ZipOptions = {}): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const body = m.deflate ? deflateRawSync(m.data) : Buffer.from(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, body);
    const uncompressed = m.declaredSize ?? m.data.length;
    const extra = options.zip64 ? zip64Extra(uncompressed, body.length, offset) : Buffer.alloc(0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(45, 4);
    header.writeUInt16LE(45, 6);
    header.writeUInt16LE(m.deflate ? 8 : 0, 10);
    header.writeUInt32LE(options.zip64 ? 0xffffffff : body.length, 20);
    header.writeUInt32LE(options.zip64 ? 0xffffffff : uncompressed, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 42);
    central.push(header, name, extra);
    offset += local.length + name.length + body.length;
  }
  const cdOffset = offset;
  const realSize = central.reduce((n, b) => n + b.length, 0);
  const cdSize = options.declaredDirectorySize ?? realSize;
  const count = options.declaredCount ?? members.length;
  const tail: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(cdSize), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + realSize), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(options.zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : cdSize, 12);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : cdOffset, 16);
  end.writeUInt16LE(comment.length, 20);
  return new Uint8Array(Buffer.concat([...chunks, ...central, ...tail, end, comment]));
}

function zip64Extra(uncompressed: number, compressed: number, offset: number): Buffer {
  const extra = Buffer.alloc(4 + 24);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(24, 2);
  extra.writeBigUInt64LE(BigInt(uncompressed), 4);
  extra.writeBigUInt64LE(BigInt(compressed), 12);
  extra.writeBigUInt64LE(BigInt(offset), 20);
  return extra;
}
