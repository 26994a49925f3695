import type { BudgetRange, BudgetUnit, PlanPanelState } from '../src/shared/planPanelProtocol';
import { el } from './dom';
import { formatBytes } from './format';
import type { AppHost } from './host';

/** Slider steps: bits per weight in hundredths; bytes in a thousandth of the range (the field takes any value). */
const BPW_STEP = 0.01;
const BYTE_STEPS = 1000;

/** A budget in `unit` to bytes, and back (bits per weight over all values, as the solver counts them). */
export function budgetToBytes(unit: BudgetUnit, value: number, range: BudgetRange): number {
  return unit === 'bytes' ? value : Math.floor((value * range.totalValues) / 8);
}

export function bytesToBudget(unit: BudgetUnit, bytes: number, range: BudgetRange): number {
  return unit === 'bytes' ? bytes : range.totalValues > 0 ? (8 * bytes) / range.totalValues : 0;
}

/** The slider's ends and step in `unit`: from the smallest plan to the largest, bpw rounded inwards. */
export function sliderRange(unit: BudgetUnit, range: BudgetRange): { min: number; max: number; step: number } {
  if (unit === 'bytes') return { min: range.minBytes, max: range.maxBytes, step: Math.max(1, Math.round((range.maxBytes - range.minBytes) / BYTE_STEPS)) };
  const min = Math.ceil(bytesToBudget('bpw', range.minBytes, range) / BPW_STEP) * BPW_STEP;
  const max = Math.floor(bytesToBudget('bpw', range.maxBytes, range) / BPW_STEP) * BPW_STEP;
  return { min: Number(min.toFixed(2)), max: Number(Math.max(min, max).toFixed(2)), step: BPW_STEP };
}

/** The per-candidate error sweep: a button before, progress with Cancel during, the error after a failure. */
export function errorsControl(state: PlanPanelState, host: AppHost): HTMLElement {
  const { errors } = state;
  const running = errors.status === 'running';
  const fromCache = errors.known > 0 ? `, ${errors.known} known from the cache or needing none` : '';
  const text = running
    ? `computing errors: ${errors.done} / ${errors.total} tensors, ${Math.floor(100 * errors.fraction)} % of the values${fromCache}`
    : errors.status === 'done' ? `errors of ${errors.total} tensors under every candidate${fromCache}` : errors.status === 'cancelled' ? 'error sweep cancelled' : '';
  return el('div', { class: 'toolbar', attrs: { id: 'plan-errors' } }, [
    running
      ? el('button', { text: 'Cancel', attrs: { type: 'button', id: 'plan-errors-cancel' }, on: { click: () => host.post({ type: 'planCancelErrors' }) } })
      : errors.status !== 'done'
        ? el('button', {
            class: 'primary', text: 'Compute errors and plan by budget',
            attrs: { type: 'button', id: 'plan-errors-start', disabled: state.status !== 'ready', title: 'Quantize every tensor with every candidate in the worker threads (cached per file): the solver plans from these errors' },
            on: { click: () => host.post({ type: 'planComputeErrors' }) },
          })
        : null,
    running ? el('progress', { attrs: { id: 'plan-errors-progress', max: 1, value: errors.fraction, 'aria-label': 'Share of the values quantized' } }) : null,
    text ? el('span', { class: 'fact', text, attrs: { id: 'plan-errors-text', title: `errors are cached per file and importance matrix in ${errors.cacheDir}` } }) : null,
    errors.status === 'failed' && errors.error ? el('span', { class: 'error-line', text: errors.error.message, attrs: { role: 'alert', id: 'plan-errors-error' } }) : null,
  ]);
}

/**
 * The budget: its unit, a slider and a field, each change re-solving at once. Built once per unit
 * and range, so a slider being dragged is never replaced; the host's answers only move the values.
 */
export class BudgetControl {
  readonly root = el('div', { class: 'toolbar plan-budget', attrs: { id: 'plan-budget' } });
  private key = '';
  private slider: HTMLInputElement | null = null;
  private field: HTMLInputElement | null = null;
  private readonly facts = el('span', { class: 'fact', attrs: { id: 'plan-budget-bytes' } });

  private readonly choose: (unit: BudgetUnit, value: number) => void;

  /** Byte budgets are whole bytes (the host refuses others). */
  constructor(choose: (unit: BudgetUnit, value: number) => void) {
    this.choose = (unit, value) => choose(unit, unit === 'bytes' ? Math.round(value) : value);
  }

  update(unit: BudgetUnit, value: number, range: BudgetRange): void {
    const key = JSON.stringify([unit, range]);
    if (key !== this.key) {
      this.key = key;
      this.build(unit, value, range);
    }
    const { min, max } = sliderRange(unit, range);
    const shown = unit === 'bpw' ? value.toFixed(2) : String(Math.round(value));
    if (this.slider && document.activeElement !== this.slider) this.slider.value = String(Math.min(max, Math.max(min, value)));
    if (this.field && document.activeElement !== this.field) this.field.value = shown;
    this.facts.textContent = `${formatBytes(budgetToBytes(unit, value, range))} · from ${formatBytes(range.minBytes)} to ${formatBytes(range.maxBytes)}`;
  }

  private build(unit: BudgetUnit, value: number, range: BudgetRange): void {
    const { min, max, step } = sliderRange(unit, range);
    const clamp = (v: number): number => Math.min(max, Math.max(min, v));
    const slider = el('input', {
      attrs: { id: 'plan-budget-slider', type: 'range', min, max, step, 'aria-label': `budget in ${unit === 'bpw' ? 'bits per weight' : 'bytes'}` },
      on: { input: () => this.choose(unit, Number(slider.value)) },
    });
    const field = el('input', {
      attrs: { id: 'plan-budget-field', type: 'number', min, max, step, 'aria-label': 'budget' },
      on: {
        change: () => {
          const v = Number(field.value);
          if (field.value !== '' && Number.isFinite(v)) this.choose(unit, clamp(v));
        },
      },
    });
    const unitSelect = el('select', {
      attrs: { id: 'plan-budget-unit', 'aria-label': 'budget unit' },
      // Switching units keeps the budget: the same bytes, read in the other unit.
      on: { change: () => {
        const next: BudgetUnit = unitSelect.value === 'bytes' ? 'bytes' : 'bpw';
        this.choose(next, bytesToBudget(next, budgetToBytes(unit, Number(field.value) || value, range), range));
      } },
    }, [el('option', { text: 'bits per weight', attrs: { value: 'bpw', selected: unit === 'bpw' } }), el('option', { text: 'bytes', attrs: { value: 'bytes', selected: unit === 'bytes' } })]);
    this.slider = slider;
    this.field = field;
    this.root.replaceChildren(el('label', { class: 'field' }, [el('span', { text: 'budget' }), unitSelect]), slider, field, this.facts);
  }
}
