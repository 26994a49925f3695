import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadFinding } from '../../fuzz/findings';
import { describeOutcome } from '../../fuzz/outcome';
import { Sandbox } from '../../fuzz/sandbox';
import { TARGETS } from '../../fuzz/targets';

/** Inputs the fuzzer found (or hand-built ones of the same bugs, see each finding.json): test/fixtures/fuzz/<case>/. */
const CASES_DIR = path.join(__dirname, '../../fixtures/fuzz');

/** What each input does now: refused with this message, or opened. Before its fix it hung, crashed or blew the memory guard. */
const EXPECTED: Readonly<Record<string, RegExp | 'opened'>> = {
  'pickle-billion-laughs-key': 'opened',
  'pickle-key-hash-fuzzed': /^pickle memo has no entry 39$/,
  'pickle-reused-tuple-key': 'opened',
  'pickle-shared-state-dict': /^4101 names for 4 tensors: shared references name each tensor too many times$/,
  'pickle-same-name-tensors': 'opened',
  'pytorch-declared-256mib': /data\.pkl inflates to 260206 bytes, less than the declared 268435455 \(truncated\?\)$/,
  'npz-local-header-offset': /needs bytes \d+\.\.\d+ but the file has \d+/,
  'pytorch-local-header-offset': /needs bytes \d+\.\.\d+ but the file has \d+/,
  'pytorch-uncaught-inflate-error': /^pickle stack underflow \(at byte 0 of the inflated archive\/data\.pkl\)$/,
  'safetensors-deep-offsets': /data_offsets must be two non-negative integers, got an array of 1 items/,
  'safetensors-deep-dimension': /dimension an array of 1 items is not a non-negative integer/,
  'safetensors-shards-deep-shard-name': /file name an array of 1 items is not a non-empty string/,
  'safetensors-shards-deep-metadata': /^shard index metadata nests deeper than 64 levels$/,
  'tfjs-group-offset': /^needs bytes 4281231108\.\.4281231112 of group1-shard1of3\.bin\+group1-shard2of3\.bin\+group1-shard3of3\.bin but the shards hold 8/,
  'tfjs-deep-shard-path': /file name an array of 1 items is not a non-empty string/,
  'tfjs-deep-dtype': /unknown dtype an array of 1 items/,
  'tfjs-deep-dimension': /dimension an array of 1 items is not a non-negative integer/,
};

describe('fuzz findings (each runs in the fuzzer sandbox: 2 s watchdog, memory guard)', function () {
  // A hung input costs its watchdog (stretched on a loaded machine) and a second run to confirm.
  this.timeout(120_000);
  const sandbox = new Sandbox();
  after(() => sandbox.close());

  it('every case folder has an expectation here', () => {
    assert.deepEqual(readdirSync(CASES_DIR).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(name, async () => {
      const { finding, files } = loadFinding(path.join(CASES_DIR, name));
      const target = TARGETS.find((t) => t.name === finding.target);
      assert.ok(target, `unknown target ${finding.target}`);
      const outcome = await sandbox.runConfirmed(target.kind, files);
      if (expected === 'opened') assert.equal(outcome.kind, 'opened', describeOutcome(outcome));
      else {
        assert.equal(outcome.kind, 'refused', describeOutcome(outcome));
        assert.match(outcome.kind === 'refused' ? outcome.message : '', expected);
      }
    });
  }
});
