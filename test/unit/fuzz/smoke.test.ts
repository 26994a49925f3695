import * as assert from 'node:assert/strict';
import { brokenMutatorNames, fuzzTarget, SMOKE_INPUTS, SMOKE_SEED } from '../../fuzz/campaign';
import { describeOutcome } from '../../fuzz/outcome';
import { Sandbox } from '../../fuzz/sandbox';
import { TARGETS } from '../../fuzz/targets';

/**
 * The deterministic fuzz run of issue 12 (the same as `npm run fuzz -- --smoke`): every
 * reader gets SMOKE_INPUTS mutated inputs from the fixed seed, each in the sandbox (watchdog,
 * memory guard). Any input that ends otherwise than opened or refused with a FormatError fails
 * the test, with the finding's description; nothing is saved (npm run fuzz does that).
 */
describe(`fuzz smoke run (seed ${SMOKE_SEED}, ${SMOKE_INPUTS} inputs per target)`, function () {
  // About a minute in all on 2 idle cores; a shared machine stretches it.
  this.timeout(900_000);
  const sandbox = new Sandbox();
  after(() => sandbox.close());

  for (const target of TARGETS) {
    it(target.name, async () => {
      const report = await fuzzTarget(target, sandbox, {
        seed: SMOKE_SEED, maxInputs: SMOKE_INPUTS, shrinkMs: 10_000, minimizeMs: 10_000, save: false, log: () => undefined,
      });
      assert.equal(report.inputs, SMOKE_INPUTS);
      assert.deepEqual(report.bugs.map((b) => `${b.signature}\n${describeOutcome(b.outcome)}\n${b.recipe}`), []);
      assert.deepEqual(brokenMutatorNames(), []);
    });
  }
});
