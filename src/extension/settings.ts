import * as vscode from 'vscode';
import type { Convention, Granularity, IntMode, NamedFormat } from '../shared/analysisTypes';
import type { SchemeSelection } from '../shared/schemeSelection';
import { CONVENTIONS, GRANULARITIES, INT_MODES, isIntBits } from '../shared/vocab/intSchemes';
import { NAMED_FORMATS } from '../shared/vocab/namedFormats';
import { isRangeMethod } from '../shared/vocab/rangeMethods';

const SECTION = 'quantlens';
const DEFAULT_GROUP_SIZE = 128;
const DEFAULT_HISTOGRAM_BINS = 128;
const DEFAULT_MAX_AUTO_ANALYZE_BYTES = 256 * 1024 * 1024;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function pickAllowed<T extends string>(values: unknown, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (!Array.isArray(values)) return [...fallback];
  return allowed.filter((a) => values.includes(a));
}

/** `quantlens.range` holds one method or a list to compare; entries outside the grammar are dropped, none left falls back to minmax. */
function rangeList(value: unknown): string[] {
  const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && isRangeMethod(v));
  return list.length > 0 ? [...new Set(list)] : ['minmax'];
}

/** The scheme picker's defaults, from `quantlens.*` settings (invalid entries dropped). */
export function selectionFromSettings(): SchemeSelection {
  const c = config();
  const bits = c.get<unknown[]>('bits', [8, 4]).filter(
    (b): b is number => typeof b === 'number' && isIntBits(b));
  const convention = c.get<string>('convention', 'lecture');
  return {
    bits: [...new Set(bits)].sort((a, b) => b - a),
    modes: pickAllowed<IntMode>(c.get('modes'), INT_MODES, INT_MODES),
    granularities: pickAllowed<Granularity>(c.get('granularity'), GRANULARITIES, ['tensor']),
    groupSize: c.get<number>('groupSize', DEFAULT_GROUP_SIZE),
    ranges: rangeList(c.get<unknown>('range', 'minmax')),
    convention: (CONVENTIONS as readonly string[]).includes(convention) ? (convention as Convention) : 'lecture',
    formats: pickAllowed<NamedFormat>(c.get('formats'), NAMED_FORMATS, []),
  };
}

export function histogramBins(): number {
  return config().get<number>('histogramBins', DEFAULT_HISTOGRAM_BINS);
}

/** 0 (the default) lets the pool use one thread per core. */
export function workerThreads(): number | undefined {
  const n = config().get<number>('workerThreads', 0);
  return n > 0 ? n : undefined;
}

export function maxAutoAnalyzeBytes(): number {
  return config().get<number>('maxAutoAnalyzeBytes', DEFAULT_MAX_AUTO_ANALYZE_BYTES);
}
