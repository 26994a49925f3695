/** How one fuzz input ended. Opened and refused are the two good endings; every other kind is a finding. */
export type Outcome =
  | { readonly kind: 'opened'; readonly tensors: number; readonly dtypes: string }
  | { readonly kind: 'refused'; readonly error: string; readonly message: string; readonly offset?: number }
  | { readonly kind: 'crash'; readonly error: string; readonly message: string; readonly frames: readonly string[] }
  | { readonly kind: 'bad-offset'; readonly message: string; readonly offset: number; readonly largestFile: number }
  | { readonly kind: 'memory'; readonly grewBytes: number; readonly limitBytes: number }
  | { readonly kind: 'hang'; readonly afterMs: number; readonly frames: readonly string[] }
  | { readonly kind: 'died'; readonly message: string };

export type Finding = Exclude<Outcome, { kind: 'opened' } | { kind: 'refused' }>;

export function isFinding(o: Outcome): o is Finding {
  return o.kind !== 'opened' && o.kind !== 'refused';
}

/** A message with its numbers and quoted names blanked, so one bug in many inputs is one finding. */
export function template(message: string): string {
  return message
    .replace(/'[^']*'/g, "'_'")
    .replace(/"[^"]*"/g, '"_"')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, '#')
    .slice(0, 160);
}

/** What makes two findings the same bug: their kind, error type and where it was thrown. */
export function signature(o: Finding): string {
  switch (o.kind) {
    case 'crash': return `crash ${o.error}: ${template(o.message)} @ ${o.frames.slice(0, 2).join(' < ')}`;
    case 'bad-offset': return `bad-offset: ${template(o.message)}`;
    case 'memory': return 'memory';
    case 'hang': return `hang @ ${o.frames.slice(0, 2).join(' < ')}`;
    case 'died': return `died: ${template(o.message)}`;
  }
}

/** Inputs whose outcome has a new key join the corpus: they reach a check (or a success) no earlier input did. */
export function noveltyKey(o: Outcome): string | undefined {
  if (o.kind === 'opened') return `opened ${o.dtypes} ${Math.ceil(Math.log2(o.tensors + 1))}`;
  if (o.kind === 'refused') return `refused ${template(o.message)}`;
  return undefined;
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'opened': return `opened (${o.tensors} tensors)`;
    case 'refused': return `refused: ${o.error}: ${o.message}${o.offset === undefined ? '' : ` (at byte ${o.offset})`}`;
    case 'crash': return `CRASH ${o.error}: ${o.message}\n    at ${o.frames.join('\n    at ')}`;
    case 'bad-offset': return `BAD OFFSET ${o.offset} (largest file ${o.largestFile} bytes): ${o.message}`;
    case 'memory': return `MEMORY grew ${(o.grewBytes / 2 ** 20).toFixed(1)} MiB, limit ${(o.limitBytes / 2 ** 20).toFixed(1)} MiB`;
    case 'hang': return `HANG: no answer after ${o.afterMs} ms${o.frames.length > 0 ? `\n    at ${o.frames.join('\n    at ')}` : ''}`;
    case 'died': return `WORKER DIED: ${o.message}`;
  }
}
