import { FormatError } from '../../errors';
import type { TensorPlan } from './plan';

/**
 * Makes tensor names unique, so `--tensor NAME` finds one tensor. Sibling subgraphs (If
 * branches) may reuse a name; such names are qualified by their subgraph path
 * (`if0/else_branch/w`) unless they live in the main graph (`mainSource`). Twice the same
 * name in one graph is not valid ONNX (onnxruntime: "Duplicate definition of name") and is refused.
 */
export function uniqueNames(plans: readonly TensorPlan[], mainSource: string): TensorPlan[] {
  const count = new Map<string, number>();
  for (const p of plans) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  const seen = new Set<string>();
  return plans.map((p) => {
    const name = count.get(p.name)! > 1 && p.source !== mainSource ? `${p.source}/${p.name}` : p.name;
    if (seen.has(name)) throw new FormatError('onnx', `tensor name '${p.name}' is defined twice in ${p.source}`, p.at);
    seen.add(name);
    return name === p.name ? p : { ...p, name };
  });
}
