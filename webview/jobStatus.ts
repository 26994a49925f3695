import type { JobState } from '../src/shared/calibPanelProtocol';
import { el } from './dom';

/** The one-line error a failed job shows in place of its results (role=alert). */
export function errorLine<O, P, R>(id: string, state: JobState<O, P, R>): HTMLElement | null {
  if (state.status !== 'failed' || !state.error) return null;
  const where = state.error.offset !== undefined ? ` (at byte ${state.error.offset.toLocaleString()})` : '';
  return el('p', { class: 'error-line', text: `${state.error.message}${where}`, attrs: { id, role: 'alert', title: state.dataPath ?? '' } });
}

/** `calib.npy · 96 / 256 samples · running`. */
export function statusText<O, P, R>(state: JobState<O, P, R>, progress: (p: P) => string, idle: string): string {
  if (state.status === 'idle') return idle;
  const parts = [state.dataLabel ?? '', state.progress ? progress(state.progress) : '', state.status === 'running' ? 'running' : state.status];
  return parts.filter((p) => p !== '').join(' · ');
}

export function selectField<T extends string | number>(id: string, label: string, options: readonly T[], value: T, onChange: (v: T) => void, disabled: boolean, text: (v: T) => string = String): HTMLElement {
  const s = el('select', {
    attrs: { id, disabled, title: label },
    on: { change: () => onChange(options[s.selectedIndex] ?? value) },
  }, options.map((o) => el('option', { text: text(o), attrs: { value: String(o), selected: o === value } })));
  return el('label', { class: 'field' }, [el('span', { text: label }), s]);
}
