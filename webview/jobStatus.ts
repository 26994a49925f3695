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

/** The button that starts a job (it also stays disabled while the job runs). */
export interface JobStart {
  readonly id: string;
  readonly text: string;
  readonly title: string;
  readonly disabled: boolean;
  readonly post: () => void;
}

/** A job's run and Cancel buttons and its status line (`progressId`), for the end of its toolbar. */
export function jobControls<O, P, R>(state: JobState<O, P, R>, start: JobStart, cancel: { readonly id: string; readonly post: () => void }, status: { readonly id: string; readonly progress: (p: P) => string; readonly idle: string }): HTMLElement[] {
  const running = state.status === 'running';
  return [
    el('button', { class: 'primary', text: start.text, attrs: { id: start.id, type: 'button', disabled: running || start.disabled, title: start.title }, on: { click: start.post } }),
    el('button', { text: 'Cancel', attrs: { id: cancel.id, type: 'button', disabled: !running }, on: { click: cancel.post } }),
    el('span', {
      class: 'progress-text', attrs: { id: status.id, 'aria-live': 'polite', title: state.dataPath ?? '' },
      text: statusText(state, status.progress, status.idle),
    }),
  ];
}

/** A job's body before it has a report: its error line if it failed, and what it does (or that it is running). */
export function jobPlaceholder<O, P, R>(state: JobState<O, P, R>, error: HTMLElement | null, hints: { readonly running: string; readonly idle: string }): HTMLElement[] {
  return [...(error ? [error] : []), el('p', { class: 'empty-state', text: state.status === 'running' ? hints.running : hints.idle })];
}
