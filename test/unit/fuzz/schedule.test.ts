import * as assert from 'node:assert/strict';
import { TargetCampaign } from '../../fuzz/campaign';
import { Sandbox } from '../../fuzz/sandbox';
import { runSchedule } from '../../fuzz/schedule';
import { TARGETS, type Target } from '../../fuzz/targets';

function target(name: string): Target {
  const found = TARGETS.find((t) => t.name === name);
  assert.ok(found, name);
  return found;
}

const options = { seed: 7, shrinkMs: 1000, minimizeMs: 1000, save: false, log: () => undefined };

describe('fuzz schedule', function () {
  // Real fuzzing for a few seconds; a loaded machine stretches the sandbox's start.
  this.timeout(120_000);

  it('a campaign run in two slices sees the same inputs as one run of their sum', async () => {
    const sandbox = new Sandbox();
    try {
      const whole = await new TargetCampaign(target('npy'), options).run(sandbox, { maxInputs: 1100 });
      const sliced = new TargetCampaign(target('npy'), options);
      await sliced.run(sandbox, { maxInputs: 700 });
      const parts = await sliced.run(sandbox, { maxInputs: 400 });
      assert.equal(parts.inputs, 1100);
      // The pool grows with each new outcome, so equal counts and pools mean the same inputs in the same order.
      assert.deepEqual([parts.opened, parts.refused, parts.corpus], [whole.opened, whole.refused, whole.corpus]);
    } finally {
      await sandbox.close();
    }
  });

  it('after the even share, the time left goes to the target furthest below the floor', async () => {
    // 15 s, one job: 3.75 s per target, then 7.5 s in slices; pytorch-legacy runs about 20 times fewer inputs per second than npy.
    const [npy, legacy] = await runSchedule([target('npy'), target('pytorch-legacy')], options, 0.25, 1);
    assert.ok(npy && legacy);
    assert.equal(npy.evenMs, legacy.evenMs);
    assert.ok(npy.campaign.report.inputs > legacy.campaign.report.inputs);
    assert.equal(npy.extraMs, 0);
    assert.ok(legacy.extraMs > 0, `extra time ${legacy.extraMs} ms`);
  });
});
