import type { InspectorTab } from '../src/shared/webviewProtocol';
import { CalibrationView } from './calibrationView';
import { CompareView } from './compareView';
import { LayersView } from './layersView';
import { OverviewView } from './overview';
import { PlanView } from './planView';
import { PtqView } from './ptqView';
import { TensorView } from './tensorView';
import type { View, ViewContext } from './view';

export interface TabSpec {
  readonly title: string;
  /** Only a runnable (ONNX) model in a live panel has this tab. */
  readonly runsModel?: boolean;
  /** Updated while hidden too, because the host is told its figures whatever tab is shown. */
  readonly updateWhileHidden?: boolean;
  create(context: ViewContext): View;
}

/**
 * The panel's tabs (strip order: INSPECTOR_TABS in src/shared/webviewProtocol.ts). A new tab is
 * its id there, a View in its own file, and an entry here.
 */
export const TABS: { readonly [T in InspectorTab]: TabSpec } = {
  overview: { title: 'Overview', create: (c) => new OverviewView(c) },
  layers: { title: 'Layers', updateWhileHidden: true, create: (c) => new LayersView(c) },
  tensor: { title: 'Tensor', create: (c) => new TensorView(c) },
  compare: { title: 'Compare', create: (c) => new CompareView(c) },
  plan: { title: 'Plan', create: (c) => new PlanView(c) },
  calibration: { title: 'Calibration', runsModel: true, create: (c) => new CalibrationView(c) },
  ptq: { title: 'PTQ', runsModel: true, create: (c) => new PtqView(c) },
};
