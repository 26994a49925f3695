import type { PlanPanelState } from '../src/shared/planPanelProtocol';
import { el } from './dom';
import type { AppHost } from './host';

/**
 * The refit point: a preset whose file the user measured with llama-perplexity (its KL divergence,
 * or perplexity ratio − 1), pasted here; the damage model is rescaled so that preset's prediction
 * equals it. Offered once errors are computed.
 */
export function refitControl(state: PlanPanelState, host: AppHost): HTMLElement | null {
  const presets = state.pareto?.presets.map((p) => p.label ?? '').filter((l) => l !== '') ?? [];
  if (presets.length === 0) return null;
  const preset = el('select', { attrs: { id: 'plan-refit-preset', 'aria-label': 'preset measured' } },
    presets.map((p) => el('option', { text: p, attrs: { value: p, selected: p === state.settings?.reference } })));
  const measured = el('input', {
    attrs: { id: 'plan-refit-value', type: 'number', min: 0, step: 'any', placeholder: 'KLD', 'aria-label': 'measured KL divergence', title: 'What llama-perplexity --kl-divergence reported for that preset\'s file (or its perplexity ratio − 1)' },
  });
  const apply = el('button', {
    text: 'Refit', attrs: { type: 'button', id: 'plan-refit-apply' },
    on: { click: () => {
      const value = Number(measured.value);
      if (measured.value !== '' && Number.isFinite(value) && value > 0) host.post({ type: 'planRefit', refit: { preset: preset.value, measured: value } });
      else measured.classList.add('invalid');
    } },
  });
  const clear = state.inputs?.refit
    ? el('button', { text: 'Role defaults', attrs: { type: 'button', id: 'plan-refit-clear' }, on: { click: () => host.post({ type: 'planRefit', refit: null }) } })
    : null;
  return el('div', { class: 'toolbar', attrs: { id: 'plan-refit' } }, [
    el('span', { class: 'fact', text: 'refit: measured' }), preset, measured, apply, clear,
  ]);
}
