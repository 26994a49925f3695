/**
 * Writes a LLaMA-7B-shaped BF16 safetensors file whose tensor data is a hole: the real header
 * (Hugging Face tensor names, the safetensors writer's layout) followed by `truncate` to the full
 * 13.5 GB, so it takes almost no disk. Opening it exercises header-only reading at real scale.
 *
 *   npx tsx scripts/sparse-llama.ts /tmp/llama-7b.safetensors
 */
import { promises as fs } from 'node:fs';

/** LLaMA-7B. // Hugging Face LlamaConfig defaults (hidden_size 4096, intermediate_size 11008, 32 layers, vocab 32000) */
export const LLAMA_7B = { layers: 32, hidden: 4096, intermediate: 11008, vocab: 32000 } as const;
const BF16_BYTES = 2;
/** The safetensors writer pads the header with spaces to a multiple of 8. // safetensors/src/tensor.rs prepare */
const HEADER_ALIGN = 8;

export interface TensorShape {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The 291 tensors of a LLaMA state dict, named as transformers' LlamaForCausalLM names them. */
export function llamaTensors(c: typeof LLAMA_7B = LLAMA_7B): TensorShape[] {
  const out: TensorShape[] = [{ name: 'model.embed_tokens.weight', shape: [c.vocab, c.hidden] }];
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}`;
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) out.push({ name: `${p}.self_attn.${proj}.weight`, shape: [c.hidden, c.hidden] });
    out.push({ name: `${p}.mlp.gate_proj.weight`, shape: [c.intermediate, c.hidden] });
    out.push({ name: `${p}.mlp.up_proj.weight`, shape: [c.intermediate, c.hidden] });
    out.push({ name: `${p}.mlp.down_proj.weight`, shape: [c.hidden, c.intermediate] });
    out.push({ name: `${p}.input_layernorm.weight`, shape: [c.hidden] });
    out.push({ name: `${p}.post_attention_layernorm.weight`, shape: [c.hidden] });
  }
  out.push({ name: 'model.norm.weight', shape: [c.hidden] });
  out.push({ name: 'lm_head.weight', shape: [c.vocab, c.hidden] });
  return out;
}

/** Writes the header, then extends the file to its full size without writing the data; returns that size. */
export async function writeSparseLlama(file: string, tensors: readonly TensorShape[] = llamaTensors()): Promise<number> {
  // Like the safetensors writer: sorted by name (all one dtype), packed back to back.
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of sorted) {
    const bytes = t.shape.reduce((n, d) => n * d, 1) * BF16_BYTES;
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / HEADER_ALIGN) * HEADER_ALIGN, 0x20);
  json.copy(padded);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(padded.length));
  const size = prefix.length + padded.length + offset;
  const handle = await fs.open(file, 'w');
  try {
    await handle.write(Buffer.concat([prefix, padded]), 0, prefix.length + padded.length, 0);
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
  return size;
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: npx tsx scripts/sparse-llama.ts OUT.safetensors\n');
    process.exitCode = 1;
  } else {
    writeSparseLlama(out).then((size) => process.stdout.write(`${out}: ${size} bytes (sparse)\n`));
  }
}
