import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadSeeds } from '../../fuzz/corpus';
import type { FileSet } from '../../fuzz/fileSet';
import { MAX_MUTATED_FILE_BYTES, type MutationParams, type Mutator } from '../../fuzz/mutators/mutator';
import { SAFETENSORS_MUTATORS } from '../../fuzz/mutators/safetensors';
import { TARGETS } from '../../fuzz/targets';

/** Parameter draws per mutator and corpus entry: enough to reach each mutator's choices (counts, values, positions), cheap enough for npm test. */
const DRAWS = 4;
const PARAMS_SEED = 12;

function mutator(name: string): Mutator {
  const found = SAFETENSORS_MUTATORS.find((m) => m.name === name);
  assert.ok(found, name);
  return found;
}

/**
 * A mutator that throws is a harness bug: the campaign then skips it for the rest of the run and
 * exits 1 (the 10-minute run of 08:28 UTC did so on st-header-duplicate).
 */
describe('fuzz mutators', function () {
  // A few thousand mutations of small files; a loaded machine stretches it.
  this.timeout(120_000);

  it('st-header-duplicate of a 700 KB header entry gives up at the size limit instead of throwing RangeError: Invalid string length', () => {
    const [seed] = loadSeeds('safetensors', (n) => n.endsWith('.safetensors')).filter((s) => s.label === 'tiny.safetensors');
    assert.ok(seed);
    const ctx = { donors: [seed.files] };
    // Replaces the first tensor entry by an object of 65,537 keys (choice 8 of interestingValue, count 65,537)...
    const big = mutator('st-header-replace').apply(seed.files, { a: 1, b: 8, c: 0, d: 4 }, ctx);
    assert.ok(big && big[0]!.bytes.length > MAX_MUTATED_FILE_BYTES / 2);
    // ...then repeats that entry 1000 times under distinct keys: 700 MB of JSON, past V8's longest string.
    assert.equal(mutator('st-header-duplicate').apply(big, { a: 1, b: 6, c: 0, d: 1 }, ctx), undefined);
    // A smaller entry duplicated the same way still applies.
    const copies = mutator('st-header-duplicate').apply(seed.files, { a: 1, b: 6, c: 0, d: 1 }, ctx);
    assert.ok(copies && copies[0]!.bytes.length > 1000 * seed.files[0]!.bytes.length / 16);
  });

  it('every mutator of every target, on every corpus entry and on a mutated entry, returns a file set or undefined and never throws', () => {
    const draws = fc.sample(fc.record({ a: fc.nat(), b: fc.nat(), c: fc.nat(), d: fc.nat() }), { seed: PARAMS_SEED, numRuns: DRAWS });
    const failures: string[] = [];
    const tryApply = (target: string, m: Mutator, label: string, files: FileSet, p: MutationParams, donors: readonly FileSet[]): FileSet | undefined => {
      try {
        return m.apply(files, p, { donors });
      } catch (e) {
        failures.push(`${target} ${m.name} on ${label} ${JSON.stringify(p)}: ${String(e)}`);
        return undefined;
      }
    };
    let applied = 0;
    for (const target of TARGETS) {
      const seeds = loadSeeds(target.name, target.isMain);
      const donors = seeds.map((s) => s.files);
      for (const seed of seeds) {
        for (const [i, m] of target.mutators.entries()) {
          for (const [k, p] of draws.entries()) {
            const once = tryApply(target.name, m, seed.label, seed.files, p, donors);
            if (!once) continue;
            applied++;
            // A second mutator on the result: the campaign stacks up to four, and the pool keeps mutated inputs.
            const next = target.mutators[(i + k + 1) % target.mutators.length]!;
            tryApply(target.name, next, `${seed.label} + ${m.name}`, once, draws[(k + 1) % draws.length]!, donors);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(applied > 1000, `only ${applied} mutations applied`);
  });
});
