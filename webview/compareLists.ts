import type { CompareOutcome } from '../src/shared/compareTypes';
import { findingPair, pairKey } from './compareRows';
import { el } from './dom';

/** Unpaired names listed in full up to this many per side; the rest are counted (a wrong file can leave thousands). */
const UNPAIRED_SHOWN = 200;

/** The findings, each linking to its pair's drill-down when it names a measured tensor. */
export function findingsList(result: CompareOutcome, open: (key: string) => void): HTMLElement[] {
  const heading = el('h2', { text: `Findings (${result.findings.length})` });
  if (result.findings.length === 0) return [heading, el('p', { class: 'empty-state', text: 'Nothing looks wrong: no type-mix, NaN/Inf, shape or dtype mismatch, or tensor far below its type\'s usual error.' })];
  return [heading, el('ul', { class: 'cmp-finding-list' }, result.findings.map((f) => {
    const pair = findingPair(f, result.pairs);
    const target = f.tensor === null ? null : pair
      ? el('button', { class: 'link', text: f.tensor, attrs: { type: 'button', title: 'Show this pair\'s histograms' }, on: { click: () => open(pairKey(pair)) } })
      : el('code', { text: f.tensor });
    return el('li', { attrs: { 'data-kind': f.kind } }, [el('span', { class: 'badge cmp-kind', text: f.kind }), ' ', target, target ? ': ' : '', f.message]);
  }))];
}

function names(side: string, list: readonly string[]): HTMLElement | null {
  if (list.length === 0) return null;
  const shown = list.slice(0, UNPAIRED_SHOWN);
  const more = list.length - shown.length;
  return el('div', {}, [
    el('h3', { text: `Only in the ${side} (${list.length})` }),
    el('ul', { class: 'cmp-names' }, [...shown.map((n) => el('li', {}, [el('code', { text: n })])), more > 0 ? el('li', { class: 'fact', text: `… and ${more} more (in the exports)` }) : null]),
  ]);
}

/** Tensors of either side that pair with nothing: listed, never guessed. */
export function unpairedList(result: CompareOutcome): HTMLElement[] {
  const { reference, candidate } = result.unpaired;
  const heading = el('h2', { text: `Unpaired (${reference.length + candidate.length})` });
  if (reference.length + candidate.length === 0) return [heading, el('p', { class: 'empty-state', text: 'Every tensor of both files is paired.' })];
  return [heading, el('div', { class: 'cmp-unpaired-sides' }, [names('reference', reference), names('candidate', candidate)])];
}
