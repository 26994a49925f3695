/**
 * A planned tensor's error request cut into parts, each priced on its own by whichever thread is
 * free and added up after (errors are sums over rows): a few large tensors no longer leave one
 * thread working alone at the end of a sweep. A single source is cut into row ranges, a tensor of
 * several sources (a Hugging Face model's experts, one matrix each) into runs of whole sources.
 */
import type { ErrorPart } from './errorSweep';
import { needsTensorRange } from './roundTrip';
import type { TensorErrorRequest } from './tensorErrors';

/**
 * Values per part: 16.7 M (4096 rows of a 7B's 4096) is a few seconds of work under four types, so
 * two threads end within a few seconds of each other and the per-request cost (a message, a
 * look-up of the open file) stays below a thousandth of it.
 */
export const PART_VALUES = 1 << 24;

/**
 * The parts of `request`, in order, about `partValues` values each. Not cut: a tensor within one
 * part, transposed sources (read whole), and candidates whose scale spans the whole tensor (their
 * round trip needs the whole tensor's range first).
 */
export function errorParts(request: TensorErrorRequest, partValues = PART_VALUES): ErrorPart[] {
  const { tensor, sources } = request;
  if (tensor.numel <= partValues || request.candidates.some(needsTensorRange) || sources.some((s) => s.transposed || s.rows)) {
    return [{ request, values: tensor.numel }];
  }
  if (sources.length === 1) {
    const source = sources[0]!;
    const rowLength = tensor.ne[0] ?? 1;
    const rows = Math.floor(tensor.numel / rowLength);
    const partRows = Math.ceil(rows / Math.ceil(rows / Math.max(1, Math.floor(partValues / rowLength))));
    const parts: ErrorPart[] = [];
    for (let first = 0; first < rows; first += partRows) {
      const count = Math.min(partRows, rows - first);
      parts.push({ request: { ...request, sources: [{ ...source, rows: { first, count } }] }, values: count * rowLength });
    }
    return parts;
  }
  // the sources are the planned tensor's matrices, all of one shape
  const perSource = tensor.numel / sources.length;
  const perPart = Math.ceil(sources.length / Math.ceil(sources.length / Math.max(1, Math.floor(partValues / perSource))));
  const parts: ErrorPart[] = [];
  for (let k = 0; k < sources.length; k += perPart) {
    const some = sources.slice(k, k + perPart);
    parts.push({ request: { ...request, sources: some }, values: some.length * perSource });
  }
  return parts;
}
