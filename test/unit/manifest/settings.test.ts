import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { syncSettings, type Manifest, type SchemaNode } from '../../../scripts/manifest/settingsFromTables';
import { CONVENTIONS, GRANULARITIES, INT_BITS, INT_MODES, isIntBits, MAX_GROUP_SIZE } from '../../../src/shared/vocab/intSchemes';
import { isNamedFormat, NAMED_FORMATS } from '../../../src/shared/vocab/namedFormats';
import { isRangeMethod, RANGE_METHOD_PATTERN } from '../../../src/shared/vocab/rangeMethods';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

function setting(key: string): SchemaNode {
  const s = settings[`quantlens.${key}`];
  assert.ok(s, `package.json has no setting quantlens.${key}`);
  return s;
}

/** The node at a path of keys and indexes, e.g. items.enum. */
function at(node: unknown, ...keys: (string | number)[]): unknown {
  return keys.reduce<unknown>((n, k) => (n as Record<string | number, unknown> | undefined)?.[k], node);
}

describe('package.json settings: checked against the vocabulary tables', () => {
  it('formats, modes, granularity and convention list exactly the tables, in their order', () => {
    assert.deepEqual(at(setting('formats'), 'items', 'enum'), NAMED_FORMATS);
    assert.deepEqual(at(setting('modes'), 'items', 'enum'), INT_MODES);
    assert.deepEqual(at(setting('granularity'), 'items', 'enum'), GRANULARITIES);
    assert.deepEqual(at(setting('convention'), 'enum'), CONVENTIONS);
    assert.equal((at(setting('convention'), 'enumDescriptions') as unknown[]).length, CONVENTIONS.length, 'one description per convention');
  });

  it('range takes the grammar\'s pattern, alone or in a list', () => {
    assert.equal(at(setting('range'), 'anyOf', 0, 'pattern'), RANGE_METHOD_PATTERN);
    assert.equal(at(setting('range'), 'anyOf', 1, 'items', 'pattern'), RANGE_METHOD_PATTERN);
  });

  it('bits and group size have the rules\' bounds', () => {
    assert.equal(at(setting('bits'), 'items', 'minimum'), INT_BITS.min);
    assert.equal(at(setting('bits'), 'items', 'maximum'), INT_BITS.max);
    assert.equal(at(setting('groupSize'), 'minimum'), 1);
    assert.equal(at(setting('groupSize'), 'maximum'), MAX_GROUP_SIZE);
  });

  it('every default is inside the vocabulary', () => {
    assert.ok((at(setting('bits'), 'default') as number[]).every(isIntBits));
    assert.ok((at(setting('formats'), 'default') as string[]).every(isNamedFormat));
    assert.ok(isRangeMethod(at(setting('range'), 'default') as string));
    assert.ok((CONVENTIONS as readonly unknown[]).includes(at(setting('convention'), 'default')));
  });

  it('nothing the tables decide differs (else: npm run sync:settings)', () => {
    const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
    assert.deepEqual(syncSettings(copy), [], 'package.json differs from the tables: run npm run sync:settings');
    assert.deepEqual(copy, manifest);
  });

  it('the sync writes a changed table into the settings', () => {
    const stale = JSON.parse(JSON.stringify(manifest)) as Manifest;
    (stale.contributes.configuration.properties['quantlens.formats']!['items'] as SchemaNode)['enum'] = ['fp16'];
    stale.contributes.configuration.properties['quantlens.bits']!['markdownDescription'] = 'old';
    assert.deepEqual(syncSettings(stale), ['quantlens.bits', 'quantlens.formats']);
    assert.deepEqual(stale, manifest);
  });
});
