import * as path from 'node:path';
import { FormatError } from '../../errors';
import { VarintDecoder, varintToInt64 } from '../../protobuf/varint';
import { ProtoWalker, WIRE_LEN, WIRE_VARINT, type Field, type Span } from '../../protobuf/walker';
import { WindowedSource } from '../../protobuf/windowedSource';
import type { Model, TensorEntry } from '../../tensor';
import { GraphScanner, type GraphSummary } from './graph';
import { MAX_METADATA_VALUE_BYTES, MAX_MODEL_ENTRIES, MAX_NAME_BYTES } from './limits';
import { uniqueNames } from './names';
import { OnnxPayloads } from './payload';
import type { TensorPlan } from './plan';
import { MODEL, OPSET } from './schema';
import { readEntry } from './tensor';
import { isClaimedBy } from '../fileClaim';
import type { FormatReader } from '../reader';
import { ONNX_FILES } from './files';

const FORMAT = 'onnx';
/** First IR version whose models must list their opsets. // onnx.proto: IR_VERSION_2017_11_3 = 3 "Added opset_import" */
const IR_VERSION_WITH_OPSETS = 3;

/** Wire type of each ModelProto field a file may start with (onnx.proto: ModelProto). */
const MODEL_FIRST_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, WIRE_VARINT], [2, WIRE_LEN], [3, WIRE_LEN], [4, WIRE_LEN], [5, WIRE_VARINT], [6, WIRE_LEN],
  [7, WIRE_LEN], [8, WIRE_LEN], [14, WIRE_LEN], [20, WIRE_LEN], [25, WIRE_LEN],
]);

const MODEL_LOADED = new Set<number>([MODEL.PRODUCER_NAME, MODEL.PRODUCER_VERSION, MODEL.DOMAIN]);
const OPSET_LOADED = new Set<number>([OPSET.DOMAIN]);

/**
 * ONNX: a protobuf ModelProto, walked lazily (src/core/protobuf): tensor payloads (raw_data,
 * packed typed fields, external data) are located at open and read only when analysed.
 * Listed: initializers and Constant tensors of the graph and of every subgraph (CLI.md).
 * Not listed but named in metadata.skippedWeights with a reason: STRING and COMPLEX tensors,
 * types without an exact decoder here (FNUZ float8, 4-bit), sparse tensors, segments.
 * Not walked: FunctionProto bodies, training_info, attribute tensors of ops other than Constant.
 */
export const onnxReader: FormatReader = {
  id: 'onnx',
  files: ONNX_FILES,

  // ONNX has no magic number: the extension, plus a first field ModelProto can start with.
  sniff(head, file) {
    if (!isClaimedBy(ONNX_FILES, file)) return false;
    const decoder = new VarintDecoder();
    const next = decoder.decode(head, 0, head.length);
    if (next < 0 || decoder.hi !== 0) return false;
    return MODEL_FIRST_FIELDS.get(Math.floor(decoder.lo / 8)) === (decoder.lo & 7);
  },

  async open(ctx) {
    const file = ctx.paths[0];
    if (file === undefined) throw new FormatError(FORMAT, 'no file given');
    const source = await ctx.openSource(file);
    const walker = new ProtoWalker(new WindowedSource(source, FORMAT));
    const scanner = new GraphScanner(walker, path.basename(file));
    const summary: GraphSummary = { name: '', inputs: [], outputs: [] };
    const metadata: Record<string, unknown> = {};
    const opsets: { domain: string; version: number | string }[] = [];
    const props = new Map<string, string>();
    const plans: TensorPlan[] = [];
    let graphs = 0;
    await walker.walk(walker.file, async (f) => {
      switch (f.number) {
        case MODEL.IR_VERSION: metadata.ir_version = int64Value(walker, f, 'ModelProto.ir_version'); break;
        case MODEL.PRODUCER_NAME: metadata.producer_name = walker.text(f, 'ModelProto.producer_name', MAX_NAME_BYTES); break;
        case MODEL.PRODUCER_VERSION: metadata.producer_version = walker.text(f, 'ModelProto.producer_version', MAX_NAME_BYTES); break;
        case MODEL.DOMAIN: metadata.domain = walker.text(f, 'ModelProto.domain', MAX_NAME_BYTES); break;
        case MODEL.MODEL_VERSION: metadata.model_version = int64Value(walker, f, 'ModelProto.model_version'); break;
        case MODEL.GRAPH:
          graphs++;
          for (const plan of await scanner.scan(walker.span(f, 'ModelProto.graph'), '', 0, summary)) plans.push(plan);
          break;
        case MODEL.OPSET_IMPORT:
          if (opsets.length === MAX_MODEL_ENTRIES) walker.fail(`more than ${MAX_MODEL_ENTRIES} opset_import entries`, f.tagOffset);
          opsets.push(await readOpset(walker, walker.span(f, 'ModelProto.opset_import')));
          break;
        case MODEL.METADATA_PROPS:
          if (props.size === MAX_MODEL_ENTRIES) walker.fail(`more than ${MAX_MODEL_ENTRIES} metadata_props`, f.tagOffset);
          await readEntry(walker, walker.span(f, 'ModelProto.metadata_props'), props, MAX_METADATA_VALUE_BYTES);
          break;
      }
    }, MODEL_LOADED);
    if (graphs === 0) throw new FormatError(FORMAT, 'not an ONNX model: ModelProto has no graph (field 7)', 0);
    // onnx checker.cc check_model: "model with IR version >= 3 must specify opset_import for ONNX".
    if (opsets.length === 0 && typeof metadata.ir_version === 'number' && metadata.ir_version >= IR_VERSION_WITH_OPSETS) {
      throw new FormatError(FORMAT, `ir_version ${metadata.ir_version} model has no opset_import (truncated?)`, source.size);
    }

    const payloads = new OnnxPayloads(ctx, source, file, path.basename(file));
    const tensors: TensorEntry[] = [];
    for (const plan of uniqueNames(plans, path.basename(file))) tensors.push(await payloads.entry(plan));
    Object.assign(metadata, {
      opset_import: opsets,
      graph_name: summary.name,
      inputs: summary.inputs,
      outputs: summary.outputs,
    });
    if (props.size > 0) metadata.metadata_props = Object.fromEntries(props);
    if (scanner.skipped.length > 0) metadata.skippedWeights = scanner.skipped;
    const model: Model = { file, format: 'onnx', metadata, tensors, sizeOnDisk: source.size + payloads.externalBytes, close: async () => undefined };
    return model;
  },
};

async function readOpset(walker: ProtoWalker, span: Span): Promise<{ domain: string; version: number | string }> {
  let domain = '';
  let version: number | string = 0;
  await walker.walk(span, (f) => {
    if (f.number === OPSET.DOMAIN) domain = walker.text(f, 'OperatorSetIdProto.domain', MAX_NAME_BYTES);
    if (f.number === OPSET.VERSION) version = int64Value(walker, f, 'OperatorSetIdProto.version');
  }, OPSET_LOADED);
  return { domain, version };
}

/** An int64 header value as a number, or a decimal string beyond 2^53 (CLI.md's rule for 64-bit ints). */
function int64Value(walker: ProtoWalker, f: Field, what: string): number | string {
  walker.expectWire(f, WIRE_VARINT, what);
  const value = varintToInt64(f.lo, f.hi);
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}
