import type { PlanPanelState } from '../src/shared/planPanelProtocol';
import { el } from './dom';
import type { AppHost } from './host';

/**
 * The Plan tab's exports: a button per target, then the text exactly as it will be saved and a
 * Save button (the host writes the text it rendered, through the save dialog).
 */
export function planExportBox(state: PlanPanelState, host: AppHost): HTMLElement[] {
  if (state.status !== 'ready' || !host.interactive) return [];
  const buttons = state.exportTargets.map((target) => el('button', {
    text: `Export for ${target}…`,
    attrs: { type: 'button', 'data-target': target, title: `Show the plan as ${target} applies it, before saving` },
    on: { click: () => host.post({ type: 'planExportPreview', target }) },
  }));
  const preview = state.exportPreview;
  if (!preview) return [el('div', { class: 'toolbar' }, buttons)];
  return [
    el('div', { class: 'toolbar' }, [
      ...buttons,
      el('button', { class: 'primary', text: 'Save…', attrs: { type: 'button', id: 'plan-export-save' }, on: { click: () => host.post({ type: 'planExportSave' }) } }),
      el('code', { class: 'fact', text: preview.usage, attrs: { id: 'plan-export-usage' } }),
    ]),
    el('pre', { class: 'plan-export-text', text: preview.text, attrs: { id: 'plan-export-text', tabindex: 0, 'aria-label': `${preview.fileName}, as it will be saved` } }),
  ];
}
