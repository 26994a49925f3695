import type { ProtoWalker, Span } from '../../protobuf/walker';
import { readAttribute, type AttributeFields } from './attribute';
import { planConstant } from './constant';
import { MAX_ATTRIBUTES, MAX_GRAPH_DEPTH, MAX_GRAPH_IO, MAX_NAME_BYTES, MAX_TENSORS } from './limits';
import type { SkippedTensor, TensorPlan } from './plan';
import { GRAPH, NODE, SPARSE_TENSOR, TENSOR } from './schema';
import { planTensor, readTensorProto } from './tensor';
import { readValueInfo, type GraphValue } from './valueInfo';

const GRAPH_LOADED = new Set<number>([GRAPH.NAME]);
// NodeProto.output is loaded whole for its first name; outputs are few and short.
const NODE_LOADED = new Set<number>([NODE.OUTPUT, NODE.NAME, NODE.OP_TYPE, NODE.DOMAIN]);
const TENSOR_NAME_LOADED = new Set<number>([TENSOR.NAME]);

/** What the metadata shows of the main graph. */
export interface GraphSummary {
  name: string;
  readonly inputs: GraphValue[];
  readonly outputs: GraphValue[];
}

/**
 * Finds every tensor of a graph and its subgraphs: initializers, then in node order the
 * `Constant` tensors and the tensors of subgraphs in any graph-valued attribute (If
 * branches, Loop and Scan bodies, custom ops), recursively.
 */
export class GraphScanner {
  readonly skipped: SkippedTensor[] = [];
  private found = 0;

  constructor(
    private readonly walker: ProtoWalker,
    /** The `source` of main-graph tensors: the model's file name. */
    private readonly modelFile: string,
  ) {}

  /** Tensors of the graph at `span`; `path` is '' for the main graph, else the subgraph's path. */
  async scan(span: Span, path: string, depth: number, summary?: GraphSummary): Promise<TensorPlan[]> {
    const { walker } = this;
    if (depth > MAX_GRAPH_DEPTH) walker.fail(`subgraphs nested deeper than ${MAX_GRAPH_DEPTH} levels`, span.offset);
    const source = path || this.modelFile;
    const initializers: TensorPlan[] = [];
    const fromNodes: TensorPlan[] = [];
    let nodeIndex = 0;
    await walker.walk(span, async (f) => {
      switch (f.number) {
        case GRAPH.NODE:
          // Loops, not push(...): a graph may hold a million tensors, far more than a call's arguments.
          for (const plan of await this.scanNode(walker.span(f, 'GraphProto.node'), path, source, nodeIndex++, depth)) fromNodes.push(plan);
          break;
        case GRAPH.INITIALIZER: {
          const t = await readTensorProto(walker, walker.span(f, 'GraphProto.initializer'));
          this.keep(initializers, await planTensor(walker, t, t.name, source), f.offset);
          break;
        }
        case GRAPH.SPARSE_INITIALIZER: {
          const name = await this.sparseName(walker.span(f, 'GraphProto.sparse_initializer'));
          this.keep(initializers, { name, dtype: 'sparse', source, reason: 'sparse initializer is not listed as dense' }, f.offset);
          break;
        }
        case GRAPH.NAME:
          if (summary) summary.name = walker.text(f, 'GraphProto.name', MAX_NAME_BYTES);
          break;
        case GRAPH.INPUT:
        case GRAPH.OUTPUT:
          if (summary) {
            const list = f.number === GRAPH.INPUT ? summary.inputs : summary.outputs;
            if (list.length === MAX_GRAPH_IO) walker.fail(`graph has more than ${MAX_GRAPH_IO} inputs or outputs`, f.tagOffset);
            list.push(await readValueInfo(walker, walker.span(f, 'GraphProto.input/output')));
          }
          break;
      }
    }, GRAPH_LOADED);
    return initializers.concat(fromNodes);
  }

  private async scanNode(span: Span, path: string, source: string, index: number, depth: number): Promise<TensorPlan[]> {
    const { walker } = this;
    let name = '';
    let opType = '';
    let domain = '';
    let output: string | undefined;
    const attributeSpans: Span[] = [];
    await walker.walk(span, (f) => {
      switch (f.number) {
        case NODE.OUTPUT: if (output === undefined) output = walker.text(f, 'NodeProto.output', MAX_NAME_BYTES); break;
        case NODE.NAME: name = walker.text(f, 'NodeProto.name', MAX_NAME_BYTES); break;
        case NODE.OP_TYPE: opType = walker.text(f, 'NodeProto.op_type', MAX_NAME_BYTES); break;
        case NODE.DOMAIN: domain = walker.text(f, 'NodeProto.domain', MAX_NAME_BYTES); break;
        case NODE.ATTRIBUTE:
          if (attributeSpans.length === MAX_ATTRIBUTES) walker.fail(`node has more than ${MAX_ATTRIBUTES} attributes`, f.tagOffset);
          attributeSpans.push(walker.span(f, 'NodeProto.attribute'));
          break;
      }
    }, NODE_LOADED);
    // onnx: the default domain is '' (alias 'ai.onnx'); a custom domain's Constant is another op.
    const isConstant = opType === 'Constant' && (domain === '' || domain === 'ai.onnx');
    const attributes: AttributeFields[] = [];
    for (const a of attributeSpans) attributes.push(await readAttribute(walker, a, isConstant));

    const out: TensorPlan[] = [];
    if (isConstant) {
      if (!output) return this.walker.fail('Constant node has no output to name its tensor', span.offset);
      this.keep(out, await planConstant(walker, output, attributes, source, span.offset), span.offset);
    }
    const label = `${path ? `${path}/` : ''}${name || `${opType}_${index}`}`;
    for (const a of attributes) {
      if (a.g) for (const plan of await this.scan(a.g, `${label}/${a.name}`, depth + 1)) out.push(plan);
      for (const [k, g] of a.graphs.entries()) for (const plan of await this.scan(g, `${label}/${a.name}[${k}]`, depth + 1)) out.push(plan);
    }
    return out;
  }

  /** Keeps a plan, or records a skipped tensor, counting both against MAX_TENSORS. */
  private keep(into: TensorPlan[], found: TensorPlan | SkippedTensor, at: number): void {
    if (++this.found > MAX_TENSORS) this.walker.fail(`more than ${MAX_TENSORS} tensors`, at);
    if ('reason' in found) this.skipped.push(found);
    else into.push(found);
  }

  /** A sparse tensor's name is its values tensor's name (onnx.proto: SparseTensorProto.values). */
  private async sparseName(span: Span): Promise<string> {
    let name = '';
    await this.walker.walk(span, async (f) => {
      if (f.number !== SPARSE_TENSOR.VALUES) return;
      await this.walker.walk(this.walker.span(f, 'SparseTensorProto.values'), (v) => {
        if (v.number === TENSOR.NAME) name = this.walker.text(v, 'TensorProto.name', MAX_NAME_BYTES);
      }, TENSOR_NAME_LOADED);
    });
    return name;
  }
}
