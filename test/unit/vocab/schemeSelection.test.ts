import * as assert from 'node:assert/strict';
import { planSchemes } from '../../../src/core/analysis/planSchemes';
import { parseAnalyzeFlags, type AnalyzeFlags } from '../../../src/cli/commands/analyzeOptions';
import { UsageError } from '../../../src/core/errors';
import type { IntScheme } from '../../../src/shared/analysisTypes';
import { expandSelection, selectionProblem, type SchemeSelection } from '../../../src/shared/schemeSelection';
import { intSchemeProblem, MAX_GROUP_SIZE } from '../../../src/shared/vocab/intSchemes';

const FLAGS: AnalyzeFlags = {
  bits: '4,8', mode: 'asymmetric,symmetric', granularity: 'group,tensor,channel', 'group-size': '32', axis: '1',
  range: 'mse,minmax', convention: 'torch', formats: 'q4_k,nf4', histograms: false, reportFlags: ['json'],
};
/** The same request as the picker or the settings make it. */
const SELECTION: SchemeSelection = {
  bits: [4, 8], modes: ['asymmetric', 'symmetric'], granularities: ['group', 'tensor', 'channel'], groupSize: 32, axis: 1,
  ranges: ['mse', 'minmax'], convention: 'torch', formats: ['q4_k', 'nf4'],
};

const INT: IntScheme = { kind: 'int', bits: 8, mode: 'symmetric', granularity: 'group', groupSize: 32, axis: 0, range: 'minmax', convention: 'lecture' };

describe('scheme expansion and validation: one function, one order', () => {
  it('the CLI and the extension expand the same request to the same schemes in the same order', () => {
    const expansion = expandSelection(SELECTION);
    assert.ok(expansion.ok);
    assert.deepEqual(parseAnalyzeFlags(FLAGS).options.schemes, expansion.schemes);
    const ints = expansion.schemes.filter((s): s is IntScheme => s.kind === 'int');
    // Granularity-major, then range, bits, mode (CLI.md's JSON order).
    assert.deepEqual(ints.slice(0, 5).map((s) => [s.granularity, s.range, s.bits, s.mode]), [
      ['group', 'mse', 4, 'asymmetric'], ['group', 'mse', 4, 'symmetric'], ['group', 'mse', 8, 'asymmetric'], ['group', 'mse', 8, 'symmetric'],
      ['group', 'minmax', 4, 'asymmetric'],
    ]);
    assert.deepEqual(ints.map((s) => s.groupSize), ints.map((s) => (s.granularity === 'group' ? 32 : null)));
    assert.ok(ints.every((s) => s.axis === 1 && s.convention === 'torch'));
    assert.deepEqual(expansion.schemes.slice(-2), [{ kind: 'format', format: 'q4_k' }, { kind: 'format', format: 'nf4' }]);
  });

  it('refuses what the rules refuse, wherever the selection comes from', () => {
    const problems: [Partial<SchemeSelection>, RegExp][] = [
      [{ bits: [9] }, /int9: bit widths are 2\.\.8/],
      [{ bits: [1.5] }, /bit widths/],
      [{ ranges: ['kl'] }, /unknown range method "kl"/],
      [{ groupSize: MAX_GROUP_SIZE + 1 }, /group size 1048577 is not an integer 1\.\.1048576/],
      [{ modes: ['sym' as IntScheme['mode']] }, /unknown mode "sym"/],
      [{ convention: 'tf' as IntScheme['convention'] }, /unknown convention "tf"/],
      [{ formats: ['q9_9' as SchemeSelection['formats'][number]] }, /unknown format "q9_9"/],
      [{ bits: [], formats: [] }, /at least one/],
    ];
    for (const [patch, message] of problems) assert.match(selectionProblem({ ...SELECTION, ...patch }) ?? 'accepted', message, JSON.stringify(patch));
    assert.equal(selectionProblem({ ...SELECTION, granularities: ['tensor'], groupSize: 0 }), null, 'the group size matters only per group');
  });

  it('the CLI says which flag is wrong, within the same bounds', () => {
    const usage = (patch: Partial<AnalyzeFlags>): string => {
      try {
        parseAnalyzeFlags({ ...FLAGS, ...patch });
        return 'accepted';
      } catch (e) {
        assert.ok(e instanceof UsageError);
        return e.message;
      }
    };
    assert.match(usage({ bits: '9' }), /--bits: expected an integer 2\.\.8, got '9'/);
    assert.match(usage({ 'group-size': String(MAX_GROUP_SIZE + 1) }), /--group-size: expected an integer 1\.\.1048576/);
    assert.match(usage({ range: 'percentile:101' }), /--range: percentile must be a number in \(0, 100\], got '101'/);
    assert.match(usage({ range: 'magic' }), /--range: unknown method 'magic' \(expected one of: minmax, percentile:P, mse, entropy, entropy:onnxruntime, histogram\)/);
    assert.match(usage({ formats: 'q9_9' }), /--formats: unknown value 'q9_9'/);
  });

  it('core reports a scheme that breaks the rules as not applicable, with the rule\'s reason', () => {
    for (const bad of [{ ...INT, bits: 1 }, { ...INT, range: 'kl' }, { ...INT, groupSize: 0 }]) {
      const plan = planSchemes([bad], [4, 64], 256);
      assert.equal(plan.runners.length, 0);
      assert.deepEqual(plan.notApplicable.map((n) => n.reason), [intSchemeProblem(bad)]);
    }
    assert.equal(planSchemes([INT], [4, 64], 256).runners.length, 1);
  });
});
