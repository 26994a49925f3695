import type { BudgetUnit, PlanChoice, PlanPanelState, PlanSettings, PlanShown, PlanTargetOption } from '../src/shared/planPanelProtocol';
import { ChartSet } from './charts';
import { el } from './dom';
import { formatBytes } from './format';
import { selectField } from './jobStatus';
import { BudgetControl, errorsControl } from './planBudget';
import { paretoChart } from './planChart';
import { imatrixControl } from './planImatrix';
import { refitControl } from './planRefit';
import { planExportBox } from './planExportBox';
import { compareRows, differs, signedPct, tableEntries, type PlanTableEntry } from './planRows';
import { diffColumns, planColumns } from './planTable';
import type { Store } from './store';
import type { View, ViewContext, ViewReport } from './view';
import { VirtualTable } from './virtualTable';

/** The plan select's entry for the solver's plan. */
const BUDGET_OPTION = 'by budget';

/** The target picker: every tool, those that do not apply to this file disabled with why (their title). */
function targetField(targets: readonly PlanTargetOption[], value: string, onChange: (target: string) => void, disabled: boolean): HTMLElement {
  const s = el('select', {
    attrs: { id: 'plan-target', disabled, title: 'the tool the plan is for' },
    on: { change: () => onChange(s.value) },
  }, targets.map((t) => el('option', {
    text: t.disabled === null ? t.name : `${t.name} (does not apply)`,
    attrs: { value: t.name, selected: t.name === value, disabled: t.disabled !== null, title: t.disabled ?? `plan for ${t.name}` },
  })));
  return el('label', { class: 'field' }, [el('span', { text: 'target' }), s]);
}

function summaryText(p: PlanShown): string {
  return `${formatBytes(p.totalBytes)}, ${p.bitsPerWeight.toFixed(2)} bits per weight${p.damage === null ? '' : `, predicted damage ${p.damage.toPrecision(3)}`}`;
}

/**
 * Plan tab: which type each tensor gets under the target's rules (a stock preset, or the solver's
 * plan under a budget), against a chosen preset, with the export shown before it is saved.
 */
export class PlanView implements View {
  readonly root = el('div', { class: 'plan' });
  private readonly toolbar = el('div', { class: 'toolbar', attrs: { id: 'plan-inputs' } });
  private readonly imatrixBox = el('div', { class: 'plan-imatrix' });
  private imatrixKey = '';
  private readonly errorsBox = el('div', { class: 'plan-errors' });
  private readonly refitBox = el('div', { class: 'plan-refit' });
  private refitKey = '';
  private readonly budget: BudgetControl;
  private readonly summary = el('div', { class: 'plan-summary', attrs: { id: 'plan-summary' } });
  private readonly chartBox = el('div', { class: 'plan-chart' });
  private readonly charts = new ChartSet();
  private chartKey = '';
  private readonly tableBox = el('div', { class: 'plan-table' });
  private readonly exportBox = el('div', { class: 'plan-export', attrs: { id: 'plan-export' } });
  private readonly store: Store;
  private readonly host: ViewContext['host'];
  private readonly openTensor: (name: string) => void;
  private table: VirtualTable<PlanTableEntry> | null = null;
  private tableKey = '';
  private toolbarKey = '';
  private rowsKey = '';
  private exportKey = '';
  private requested = false;
  private rowsShown = 0;

  constructor({ store, host, openTensor }: ViewContext) {
    this.store = store;
    this.host = host;
    this.openTensor = openTensor;
    this.budget = new BudgetControl((unit, value) => this.choose({ plan: { kind: 'budget', unit, value } }));
    this.root.append(this.toolbar, this.imatrixBox, this.errorsBox, this.refitBox, this.budget.root, this.summary, this.chartBox, this.tableBox, this.exportBox);
  }

  chartsDrawn(): number {
    return this.charts.count();
  }

  /** Frees the chart while the tab is hidden; the next update redraws it. */
  release(): void {
    this.charts.destroyAll();
    this.chartKey = '';
  }

  report(): ViewReport {
    const { plan } = this.store;
    return {
      plan: {
        rows: this.rowsShown,
        planLabel: plan.plan?.label ?? null,
        referenceLabel: plan.reference?.label ?? null,
        planBytes: plan.plan?.totalBytes ?? null,
        diffMode: this.store.ui.planDiff,
        exportPreviewLines: plan.exportPreview ? plan.exportPreview.text.split('\n').filter((l) => l !== '').length : 0,
        error: plan.error?.message ?? null,
        imatrix: this.imatrixBox.querySelector('#plan-imatrix-file')?.textContent ?? null,
        imatrixError: this.imatrixBox.querySelector('#plan-imatrix-error')?.textContent ?? null,
      },
    };
  }

  update(force: boolean): void {
    const { plan, ui } = this.store;
    // The first time the tab shows, ask for a plan (the host reads the headers then).
    if (plan.status === 'idle' && !this.requested && this.host.interactive) {
      this.requested = true;
      this.post(ui.planSettings);
    }
    const toolbarKey = JSON.stringify([plan.inputs, plan.settings?.target, plan.settings?.plan.kind === 'preset' ? plan.settings.plan.preset : BUDGET_OPTION, plan.settings?.reference, plan.status, plan.budgetRange !== null, ui.planDiff]);
    if (toolbarKey !== this.toolbarKey) {
      this.toolbarKey = toolbarKey;
      this.renderToolbar(plan);
    }
    const imatrixKey = JSON.stringify([plan.imatrix, plan.imatrixError, plan.errors.status, plan.status, plan.inputs !== null]);
    if (imatrixKey !== this.imatrixKey) {
      this.imatrixKey = imatrixKey;
      const open = this.imatrixBox.querySelector('details')?.open ?? false;
      this.imatrixBox.replaceChildren(...(plan.inputs?.imatrixOffered ? imatrixControl(plan, this.host) : []));
      const details = this.imatrixBox.querySelector('details');
      if (details) details.open = open;
    }
    this.errorsBox.replaceChildren(...(plan.inputs && plan.inputs.candidates.length > 0 ? [errorsControl(plan, this.host)] : []));
    const refitKey = JSON.stringify([plan.pareto?.presets.map((p) => p.label), plan.inputs?.refit, plan.settings?.reference]);
    if (refitKey !== this.refitKey) {
      this.refitKey = refitKey;
      const refit = refitControl(plan, this.host);
      this.refitBox.replaceChildren(...(refit && this.host.interactive ? [refit] : []));
    }
    const choice = plan.settings?.plan;
    this.budget.root.hidden = !(choice?.kind === 'budget' && plan.budgetRange);
    if (choice?.kind === 'budget' && plan.budgetRange) this.budget.update(choice.unit, choice.value, plan.budgetRange);
    const chartKey = JSON.stringify([plan.pareto, plan.plan?.label, plan.plan?.damage, plan.reference?.label]);
    if (force || chartKey !== this.chartKey) {
      this.chartKey = chartKey;
      this.charts.destroyAll();
      this.chartBox.replaceChildren(...(plan.pareto && plan.plan ? [paretoChart(this.charts, plan.pareto.front, plan.pareto.presets, plan.plan, plan.reference)] : []));
    }
    const rowsKey = JSON.stringify([this.store.dataVersion, ui.planSort, ui.planDiff]);
    if (rowsKey !== this.rowsKey) {
      this.rowsKey = rowsKey;
      this.renderRows(plan);
    }
    const exportKey = JSON.stringify([plan.exportTargets, plan.exportPreview, plan.status]);
    if (exportKey !== this.exportKey) {
      this.exportKey = exportKey;
      this.exportBox.replaceChildren(...planExportBox(plan, this.host));
    }
  }

  private post(settings: PlanSettings | null): void {
    this.host.post({ type: 'plan', settings });
  }

  private choose(patch: Partial<PlanSettings>): void {
    const current = this.store.plan.settings;
    if (current) this.post({ ...current, ...patch });
  }

  private renderToolbar(state: PlanPanelState): void {
    const { inputs, settings } = state;
    const busy = state.status === 'loading';
    if (!inputs || !settings) {
      this.toolbar.replaceChildren(el('p', { class: 'empty-state', text: busy || state.status === 'idle' ? 'Reading the model\'s headers…' : '' }));
      return;
    }
    const planValue = settings.plan.kind === 'preset' ? settings.plan.preset : BUDGET_OPTION;
    const range = state.budgetRange;
    const planOptions = range ? [BUDGET_OPTION, ...inputs.presets] : inputs.presets;
    // Choosing the budget starts at the size of the preset compared against.
    const atReference = (unit: BudgetUnit): PlanChoice => ({ kind: 'budget', unit, value: state.reference?.bitsPerWeight ?? 0 });
    const onPlan = (v: string): void => this.choose({ plan: v === BUDGET_OPTION ? atReference('bpw') : { kind: 'preset', preset: v } });
    const diff = el('input', {
      attrs: { id: 'plan-diff', type: 'checkbox', checked: this.store.ui.planDiff },
      on: { change: () => this.store.setUi({ planDiff: diff.checked }) },
    });
    this.toolbar.replaceChildren(
      targetField(inputs.targets, settings.target, (target) => this.choose({ target }), busy),
      el('span', { class: 'fact', text: `rules of ${inputs.rules}`, attrs: { id: 'plan-rules', title: 'The version of the tool whose rules the plan reproduces' } }),
      selectField('plan-choice', 'plan', planOptions, planValue, onPlan, busy),
      selectField('plan-reference', 'compare with', inputs.presets, settings.reference, (reference) => this.choose({ reference }), busy),
      el('label', { class: 'field' }, [diff, el('span', { text: 'only differences' })]),
      el('span', { class: 'fact', text: `candidates: ${inputs.candidates.length > 0 ? inputs.candidates.join(', ') : 'the presets\' types'}` }),
      ...(inputs.imatrixOffered ? [el('span', { class: 'fact', text: `imatrix: ${inputs.imatrix ?? 'none'}` })] : []),
      el('span', { class: 'fact', text: `refit: ${inputs.refit ?? 'none (role defaults)'}` }),
    );
  }

  private renderRows(state: PlanPanelState): void {
    const { ui } = this.store;
    const { plan, reference } = state;
    if (state.status === 'failed' && state.error) {
      this.summary.replaceChildren(el('p', { class: 'error-line', text: state.error.message, attrs: { id: 'plan-error', role: 'alert' } }));
    } else if (plan) {
      const rows = compareRows(plan, reference);
      const differing = rows.filter(differs).length;
      const against = reference ? [el('span', { class: 'fact', text: `${reference.label}: ${summaryText(reference)} · ${differing} of ${rows.length} tensors differ` })] : [];
      this.summary.replaceChildren(el('span', { text: `${plan.label}: ${summaryText(plan)}` }), ...against);
    } else {
      this.summary.replaceChildren();
    }
    if (!plan) {
      this.tableBox.replaceChildren();
      this.table = null;
      this.tableKey = '';
      this.rowsShown = 0;
      return;
    }
    const diffMode = ui.planDiff && reference !== null;
    const tableKey = JSON.stringify([diffMode, plan.label, reference?.label]);
    if (!this.table || tableKey !== this.tableKey) {
      this.tableKey = tableKey;
      this.table = new VirtualTable<PlanTableEntry>({
        id: 'plan-table', label: diffMode ? `Tensors whose type differs from ${reference.label}` : 'The type of every tensor in the plan',
        columns: diffMode ? diffColumns(plan, reference) : planColumns(),
        rowKey: (e) => (e.kind === 'tensor' ? e.row.name : `heading ${e.text}`),
        heading: (e) => (e.kind === 'heading' ? e.text : null),
        onSort: (planSort) => this.store.setUi({ planSort }),
        // Names the file holds open in the Tensor tab (a Hugging Face model's GGUF names do not).
        onOpen: (e) => {
          if (e.kind === 'tensor' && this.store.init?.summary?.tensors.some((t) => t.name === e.row.name)) this.openTensor(e.row.name);
        },
      });
      this.tableBox.replaceChildren(this.table.root);
    }
    const entries = tableEntries(compareRows(plan, reference), ui.planSort, diffMode);
    this.rowsShown = entries.filter((e) => e.kind === 'tensor').length;
    this.table.setRows(entries, ui.planSort);
    if (!diffMode) this.table.setFooter([`${this.rowsShown} tensors`, '', '', formatBytes(plan.totalBytes)]);
    else if (this.rowsShown === 0) this.table.setFooter([`${plan.label} and ${reference.label} give every tensor the same type`]);
    else this.table.setFooter([`${this.rowsShown} tensors differ`, '', '', '', signedPct(plan.totalBytes - reference.totalBytes, reference.totalBytes)]);
  }
}
