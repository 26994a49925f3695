import * as assert from 'node:assert/strict';
import { jsonSnippet, metadataJson } from '../../../src/core/formats/jsonText';
import { parseManifest } from '../../../src/core/formats/tfjs/manifest';
import { MAX_SIBLING_NAME, siblingPath } from '../../../src/core/formats/siblingPath';
import { MAX_JSON_DEPTH, toJsonValue } from '../../../src/core/jsonValue';
import { FormatError } from '../../../src/core/errors';

/** JSON.parse takes 20,000 levels of nesting; everything that recursed over the result overflowed (found by fuzzing). */
const DEEP = JSON.parse(`${'['.repeat(20_000)}1${']'.repeat(20_000)}`) as unknown;

describe('values nested 20,000 deep, from JSON headers and manifests', () => {
  it(`toJsonValue keeps MAX_JSON_DEPTH (${MAX_JSON_DEPTH}) levels and notes the rest`, () => {
    let value = toJsonValue({ userDefinedMetadata: DEEP });
    let depth = 0;
    while (typeof value === 'object' && value !== null) {
      value = Array.isArray(value) ? value[0]! : Object.values(value)[0]!;
      depth++;
    }
    assert.equal(depth, MAX_JSON_DEPTH);
    assert.equal(value, `(nested deeper than ${MAX_JSON_DEPTH} levels)`);
    assert.deepEqual(toJsonValue({ a: [1n, NaN, { b: 2 ** 60 }] }), { a: [1, 'NaN', { b: 2 ** 60 }] });
  });

  it(`readers refuse metadata nested deeper than MAX_JSON_DEPTH with a FormatError (tfjs userDefinedMetadata overflowed toJsonValue)`, () => {
    const isDepthError = (e: unknown) => e instanceof FormatError && e.format === 'tfjs' && /^model\.json userDefinedMetadata nests deeper than 64 levels$/.test(e.message);
    assert.throws(() => parseManifest({ weightsManifest: [], userDefinedMetadata: DEEP }), isDepthError);
    let atLimit: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) atLimit = [atLimit];
    assert.deepEqual(metadataJson(atLimit, 'tfjs', 'x'), atLimit);
    assert.throws(() => metadataJson([atLimit], 'tfjs', 'x'), FormatError);
    assert.deepEqual(parseManifest({ weightsManifest: [], userDefinedMetadata: { a: [1, { b: 2 }] } }).metadata, { userDefinedMetadata: { a: [1, { b: 2 }] } });
  });

  it('error messages quote a value by its kind, not by JSON.stringify of all of it', () => {
    assert.equal(jsonSnippet(DEEP), 'an array of 1 items');
    assert.equal(jsonSnippet({ a: DEEP }), 'an object');
    assert.equal(jsonSnippet([0, 5]), '[0,5]');
    assert.equal(jsonSnippet('F32'), '"F32"');
    assert.equal(jsonSnippet(undefined), 'undefined');
    assert.equal(jsonSnippet('x'.repeat(1000)).length, 83);
  });

  it(`refuses sibling file names longer than MAX_SIBLING_NAME (${MAX_SIBLING_NAME}), or not strings, with a FormatError`, () => {
    const refuses = (name: unknown, pattern: RegExp) =>
      assert.throws(() => siblingPath('/m/model.json', name, 'tfjs', 'paths[0]'), (e: unknown) => e instanceof FormatError && pattern.test(e.message));
    refuses('/'.repeat(200_000), /file name of 200000 characters exceeds the limit of 4096/);
    refuses(DEEP, /file name an array of 1 items is not a non-empty string/);
    assert.equal(siblingPath('/m/model.json', 'a/b.bin', 'tfjs', 'paths[0]'), '/m/a/b.bin');
  });
});
