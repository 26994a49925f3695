/** Minimal GGUF byte builder for synthetic headers the committed fixtures do not cover. */
export class GgufBytes {
  private readonly parts: number[] = [];

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff);
    return this;
  }
  u64(v: number | bigint): this {
    let b = BigInt(v);
    for (let i = 0; i < 8; i++) {
      this.parts.push(Number(b & 0xffn));
      b >>= 8n;
    }
    return this;
  }
  str(s: string): this {
    const raw = new TextEncoder().encode(s);
    this.u64(raw.length);
    raw.forEach((b) => this.parts.push(b));
    return this;
  }
  /** Magic, version, tensor count, kv count. */
  header(version: number, tensors: number, kvs: number): this {
    [0x47, 0x47, 0x55, 0x46].forEach((b) => this.u8(b));
    return this.u32(version).u64(tensors).u64(kvs);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** GGUF value type ids. // docs/gguf.md */
export const T = { UINT8: 0, INT16: 3, UINT32: 4, FLOAT32: 6, STRING: 8, ARRAY: 9 } as const;
