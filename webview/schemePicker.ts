import type { Convention, Granularity, IntMode, NamedFormat } from '../src/shared/analysisTypes';
import { NAMED_FORMATS } from '../src/shared/vocab/namedFormats';
import { SELECTABLE_BITS, type SchemeSelection } from '../src/shared/schemeSelection';
import { CONVENTIONS, GRANULARITIES, INT_MODES } from '../src/shared/vocab/intSchemes';
import { PICKER_RANGE_METHODS } from '../src/shared/vocab/rangeMethods';
import { el } from './dom';

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** A toggle chip: a button with aria-pressed, in the tab order. */
function chip(label: string, pressed: boolean, tooltip: string, onToggle: () => void, disabled: boolean): HTMLButtonElement {
  return el('button', {
    class: `chip${pressed ? ' on' : ''}`, text: label,
    attrs: { type: 'button', 'aria-pressed': pressed ? 'true' : 'false', title: tooltip, disabled, 'data-chip': label },
    on: { click: onToggle },
  });
}

function select<T extends string>(id: string, label: string, options: readonly T[], value: T, onChange: (v: T) => void, disabled: boolean): HTMLElement {
  const s = el('select', { attrs: { id, disabled, title: label }, on: { change: () => onChange(s.value as T) } },
    options.map((o) => el('option', { text: o, attrs: { value: o, selected: o === value } })));
  return el('label', { class: 'field' }, [el('span', { text: label }), s]);
}

const MODE_LABELS: Record<IntMode, string> = { symmetric: 'sym', asymmetric: 'asym' };

/** The scheme picker: bits, modes, granularity (+ group size), range methods, convention, named formats. */
export function schemePicker(sel: SchemeSelection, enabled: boolean, onChange: (next: SchemeSelection) => void): HTMLElement {
  const set = (patch: Partial<SchemeSelection>): void => onChange({ ...sel, ...patch });
  const groupSize = el('input', {
    attrs: { id: 'group-size', type: 'number', min: 1, step: 1, value: sel.groupSize, disabled: !enabled || !sel.granularities.includes('group'), title: 'Group length along the last axis' },
    on: { change: () => set({ groupSize: Math.max(1, Math.round(Number(groupSize.value))) }) },
  });
  const ranges = [...PICKER_RANGE_METHODS, ...sel.ranges.filter((r) => !PICKER_RANGE_METHODS.includes(r))];
  const perTensor = sel.granularities.includes('tensor');
  const formats = el('details', { class: 'formats' }, [
    el('summary', { text: `Formats${sel.formats.length ? ` (${sel.formats.length})` : ''}`, attrs: { title: 'Named formats: FP8, NF4, ggml blocks' } }),
    el('div', { class: 'chips' }, NAMED_FORMATS.map((f: NamedFormat) =>
      chip(f, sel.formats.includes(f), `Analyse as ${f}`, () => set({ formats: toggled(sel.formats, f) }), !enabled))),
  ]);
  return el('div', { class: 'picker', attrs: { role: 'group', 'aria-label': 'Quantization schemes' } }, [
    el('div', { class: 'chips', attrs: { role: 'group', 'aria-label': 'Bit widths' } },
      SELECTABLE_BITS.map((b) => chip(`INT${b}`, sel.bits.includes(b), `${b}-bit integers`, () => set({ bits: toggled(sel.bits, b).sort((x, y) => y - x) }), !enabled))),
    el('div', { class: 'chips', attrs: { role: 'group', 'aria-label': 'Modes' } },
      INT_MODES.map((m: IntMode) => chip(MODE_LABELS[m], sel.modes.includes(m), `${m} (zero point ${m === 'symmetric' ? '0' : 'from min'})`, () => set({ modes: toggled(sel.modes, m) }), !enabled))),
    el('div', { class: 'chips', attrs: { role: 'group', 'aria-label': 'Granularity' } },
      GRANULARITIES.map((g: Granularity) => chip(g, sel.granularities.includes(g), `one scale per ${g}`, () => set({ granularities: toggled(sel.granularities, g) }), !enabled))),
    el('label', { class: 'field' }, [el('span', { text: 'group' }), groupSize]),
    el('div', { class: 'chips', attrs: { role: 'group', 'aria-label': 'Range methods (per tensor)', id: 'range-methods' } },
      ranges.map((r) => chip(r, sel.ranges.includes(r), perTensor ? `Clipping range by ${r}; several are compared in the Tensor tab` : 'Range methods apply per tensor: pick the tensor granularity', () => set({ ranges: toggled(sel.ranges, r) }), !enabled))),
    select<Convention>('convention', 'convention', CONVENTIONS, sel.convention, (convention) => set({ convention }), !enabled),
    formats,
  ]);
}
