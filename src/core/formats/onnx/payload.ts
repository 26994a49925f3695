import * as path from 'node:path';
import { contiguousData } from '../../dtypes/contiguous';
import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { fixedRunData } from '../../protobuf/fixedRunData';
import { varintRunData } from '../../protobuf/varintRunData';
import type { TensorData, TensorEntry } from '../../tensor';
import type { OpenContext } from '../reader';
import type { TensorPlan } from './plan';
import { VARINT_SINKS } from './varintSinks';
import { siblingPath } from '../siblingPath';

const FORMAT = 'onnx';

/** Turns plans into lazy tensor entries, opening each external data file once. */
export class OnnxPayloads {
  private readonly external = new Map<string, Promise<ByteSource>>();
  /** Bytes of the external data files, for Model.sizeOnDisk. */
  externalBytes = 0;

  constructor(
    private readonly ctx: OpenContext,
    private readonly model: ByteSource,
    private readonly modelPath: string,
    /** The `source` of main-graph tensors (the model's file name). */
    private readonly modelLabel: string,
  ) {}

  async entry(plan: TensorPlan): Promise<TensorEntry> {
    const { storage } = plan;
    const info = { name: plan.name, dtype: plan.dtype, shape: plan.shape, numel: plan.numel, source: plan.source };
    switch (storage.kind) {
      case 'raw':
        return { ...info, byteLength: storage.span.length, data: this.contiguous(this.model, storage.span.offset, plan) };
      case 'fixed':
        return { ...info, byteLength: storage.run.byteLength, data: fixedRunData(this.model, FORMAT, storage.run, plan.dtype, plan.numel) };
      case 'varint': {
        const sink = VARINT_SINKS[plan.dtype];
        if (!sink) throw new FormatError(FORMAT, `tensor '${plan.name}': no varint decoding for ${plan.dtype}`, plan.at);
        return { ...info, byteLength: storage.run.byteLength, data: varintRunData(this.model, FORMAT, storage.run, plan.numel, sink) };
      }
      case 'external': {
        const what = `tensor '${plan.name}' external data`;
        const file = siblingPath(this.modelPath, storage.location, FORMAT, what);
        const source = await this.open(file).catch((e: unknown) => {
          throw e instanceof FormatError ? new FormatError(FORMAT, `${what}: ${e.message}`, plan.at) : e;
        });
        if (storage.offset + storage.length > source.size) {
          throw new FormatError(FORMAT, `${what}: bytes ${storage.offset}..${storage.offset + storage.length} are past the end of ${storage.location} (${source.size} bytes)`, plan.at);
        }
        // A main-graph tensor lives in the external file (named as the model names it); a subgraph one keeps its path.
        const where = plan.source === this.modelLabel ? path.relative(path.dirname(this.modelPath), file) : plan.source;
        return { ...info, source: where, byteLength: storage.length, data: this.contiguous(source, storage.offset, plan) };
      }
    }
  }

  private contiguous(source: ByteSource, offset: number, plan: TensorPlan): TensorData {
    return contiguousData({ source, format: FORMAT, offset, dtype: plan.dtype, numel: plan.numel });
  }

  private open(file: string): Promise<ByteSource> {
    let pending = this.external.get(file);
    if (!pending) {
      pending = this.ctx.openSource(file).then((s) => {
        this.externalBytes += s.size;
        return s;
      });
      this.external.set(file, pending);
    }
    return pending;
  }
}
