/**
 * Makes If branches observable: when an If's condition has the same value on every calibration
 * batch (Silero VAD's `If(sr == 16000)`), the If is replaced by the nodes of the branch it takes,
 * then the Ifs that this exposes are resolved the same way. onnx-runtime.md: tapping inside a
 * branch does not work, inlining does (outputs identical). Each inlined condition becomes a guard
 * that calibration checks on every batch; Loop and Scan bodies, and Ifs whose condition cannot be
 * tapped, stay opaque.
 */
import { FormatError } from '../errors';
import { cloneModel, encodeModel } from '../onnxproto/codec';
import type { GraphProto, ModelProto, NodeProto } from '../onnxproto/types';
import { ModelSession, type SessionOptions } from './session';
import { withTapOutputs } from './taps';
import type { FeedValue } from './data/calibData';
import { toFeeds } from './feeds';

/** Nesting depth searched; Silero v5 needs 2. Deeper chains stay opaque. */
const MAX_INLINE_ROUNDS = 8;

export interface IfGuard {
  /** The condition tensor (a main-graph value after inlining). */
  readonly cond: string;
  readonly value: boolean;
  readonly node: string;
}

export interface InlinedModel {
  readonly model: ModelProto;
  readonly guards: readonly IfGuard[];
}

function branchOf(node: NodeProto, value: boolean): GraphProto | null {
  return node.attribute.find((a) => a.name === (value ? 'then_branch' : 'else_branch'))?.g ?? null;
}

/** Every value name a graph defines (node outputs, initializers, inputs), nested graphs included but `skip`'s. */
function definedNames(graph: GraphProto, into: Set<string>, skip: NodeProto | null = null): Set<string> {
  for (const i of graph.input) into.add(i.name ?? '');
  for (const t of graph.initializer) into.add(t.name ?? '');
  for (const n of graph.node) {
    for (const o of n.output) into.add(o);
    if (n === skip) continue;
    for (const a of n.attribute) for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) definedNames(g, into);
  }
  into.delete('');
  return into;
}

/** Replaces `node` (an If at `index`) by `branch`'s nodes and Identity nodes onto the If's outputs; false on a name clash. */
export function inlineBranch(graph: GraphProto, index: number, node: NodeProto, branch: GraphProto): boolean {
  const outer = definedNames(graph, new Set(), node);
  const inner = definedNames(branch, new Set());
  for (const n of inner) if (outer.has(n)) return false;
  const identities: NodeProto[] = branch.output.map((o, i) => ({
    op_type: 'Identity', name: `${node.name || 'If'}/inlined_output_${i}`, input: [o.name ?? ''], output: [node.output[i] ?? ''], attribute: [],
  }));
  // Array literals and loops, not splice(...)/push(...): a branch may hold more entries than a call takes arguments.
  graph.node = [...graph.node.slice(0, index), ...branch.node, ...identities.filter((n) => n.output[0] !== ''), ...graph.node.slice(index + 1)];
  for (const t of branch.initializer) graph.initializer.push(t);
  for (const v of branch.value_info) graph.value_info.push(v);
  return true;
}

/** Ifs of the main graph whose condition a node computes (so it can be tapped). */
function tappableIfs(graph: GraphProto): NodeProto[] {
  const produced = new Set(graph.node.flatMap((n) => n.output));
  return graph.node.filter((n) => n.op_type === 'If' && produced.has(n.input[0] ?? ''));
}

/** Resolves the Ifs whose condition the first batch fixes; returns the model unchanged when it has none. */
export async function inlineFixedIfs(model: ModelProto, feeds: Readonly<Record<string, FeedValue>>, options: SessionOptions): Promise<InlinedModel> {
  const guards: IfGuard[] = [];
  let current = model;
  for (let round = 0; round < MAX_INLINE_ROUNDS; round++) {
    const ifs = tappableIfs(current.graph!);
    if (ifs.length === 0) break;
    const conds = [...new Set(ifs.map((n) => n.input[0]!))];
    const probe = await ModelSession.create(encodeModel(withTapOutputs(current, conds)), options);
    let values: Map<string, boolean>;
    try {
      const out = await probe.run(toFeeds(probe, feeds), conds);
      values = new Map(conds.map((c) => [c, Boolean((out[c]!.data as Uint8Array)[0])]));
    } finally {
      await probe.release();
    }
    const next = cloneModel(current);
    const graph = next.graph!;
    let changed = false;
    for (const n of tappableIfs(graph)) {
      const value = values.get(n.input[0]!)!;
      const branch = branchOf(n, value);
      if (!branch) throw new FormatError('onnx', `If '${n.name ?? ''}' has no ${value ? 'then' : 'else'}_branch`);
      if (inlineBranch(graph, graph.node.indexOf(n), n, branch)) {
        guards.push({ cond: n.input[0]!, value, node: n.name ?? 'If' });
        changed = true;
      }
    }
    if (!changed) break;
    current = next;
  }
  return { model: current, guards };
}
