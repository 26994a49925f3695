import type { ImatrixStatsRow, PlanImatrixShown, PlanPanelState } from '../src/shared/planPanelProtocol';
import { el } from './dom';
import { formatNumber } from './format';
import type { AppHost } from './host';

function statsTable(id: string, caption: string, first: string, rows: readonly ImatrixStatsRow[]): HTMLElement {
  const head = el('tr', {}, [first, 'energy', 'spread', 'cv', 'columns'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const body = rows.map((r) => el('tr', {}, [
    el('th', { text: r.name, attrs: { scope: 'row' } }),
    el('td', { class: 'num', text: formatNumber(r.energy) }),
    el('td', { class: 'num', text: r.spread.toFixed(1) }),
    el('td', { class: 'num', text: r.cv.toFixed(2) }),
    el('td', { class: 'num', text: r.columns.toLocaleString('en-US') }),
  ]));
  return el('table', { class: 'data', attrs: { id } }, [el('caption', { text: caption }), el('thead', {}, [head]), el('tbody', {}, body)]);
}

/** What the imatrix was computed on: `calib.txt, 100 chunks`. */
function provenance(m: PlanImatrixShown): string {
  const parts = [m.datasets.length > 0 ? m.datasets.join(', ') : 'dataset not recorded', m.chunkCount !== null ? `${m.chunkCount} chunks` : ''];
  return `${m.file} (${m.format}): ${parts.filter((p) => p !== '').join(', ')}`;
}

/**
 * The importance matrix: a button that asks the host for one (its open dialog: the path never
 * comes from here), the one in use with its statistics per layer and per tensor, and why the last
 * one chosen was refused.
 */
export function imatrixControl(state: PlanPanelState, host: AppHost): HTMLElement[] {
  const m = state.imatrix;
  const busy = state.errors.status === 'running' || state.status === 'loading';
  const toolbar = el('div', { class: 'toolbar', attrs: { id: 'plan-imatrix' } }, [
    host.interactive ? el('button', {
      text: m ? 'Other importance matrix…' : 'Importance matrix…',
      attrs: { type: 'button', id: 'plan-imatrix-pick', disabled: busy, title: 'Weight each tensor\'s error by a llama-imatrix file (.gguf or .dat), as llama-quantize weights its quantizers; presets that need one (IQ2, IQ3) are offered then' },
      on: { click: () => host.post({ type: 'planPickImatrix' }) },
    }) : null,
    m && host.interactive ? el('button', { text: 'None', attrs: { type: 'button', id: 'plan-imatrix-clear', disabled: busy }, on: { click: () => host.post({ type: 'planClearImatrix' }) } }) : null,
    el('span', { class: 'fact', text: m ? provenance(m) : 'no importance matrix: errors unweighted', attrs: { id: 'plan-imatrix-file' } }),
    state.imatrixError ? el('span', { class: 'error-line', text: state.imatrixError.message, attrs: { role: 'alert', id: 'plan-imatrix-error' } }) : null,
  ]);
  if (!m) return [toolbar];
  const details = el('details', { class: 'plan-imatrix-stats', attrs: { id: 'plan-imatrix-stats' } }, [
    el('summary', { text: `importance statistics: ${m.layers.length} layers, ${m.tensors.length} tensors (energy: summed mean squared activation; spread: largest column over the mean)` }),
    statsTable('plan-imatrix-layers', 'Per layer', 'layer', m.layers),
    statsTable('plan-imatrix-tensors', 'Per tensor', 'tensor', m.tensors),
  ]);
  return [toolbar, details];
}
