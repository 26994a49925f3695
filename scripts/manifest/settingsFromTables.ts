/**
 * The parts of package.json's `quantlens.*` settings that the vocabulary tables decide (enums,
 * patterns, bounds, and the descriptions that list them). VS Code reads settings from the
 * manifest only, so they are copied there: `npm run sync:settings` writes them, and
 * test/unit/manifest/settings.test.ts fails while package.json differs from the tables.
 */
import { CONVENTIONS, GRANULARITIES, INT_BITS, INT_MODES, MAX_GROUP_SIZE } from '../../src/shared/vocab/intSchemes';
import { NAMED_FORMATS } from '../../src/shared/vocab/namedFormats';
import { RANGE_METHOD_PATTERN, RANGE_METHOD_SYNTAX } from '../../src/shared/vocab/rangeMethods';

/** A JSON-schema object of package.json, as parsed. */
export type SchemaNode = { [key: string]: unknown };

export interface Manifest {
  readonly contributes: { readonly configuration: { readonly properties: Record<string, SchemaNode> } };
}

const code = (s: string): string => `\`${s}\``;
const orList = (items: readonly string[]): string => `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;

/** Each table-driven setting: the fields the tables give it (nested objects merge). */
export function settingsFromTables(): Record<string, SchemaNode> {
  const rangeItem = { type: 'string', pattern: RANGE_METHOD_PATTERN };
  return {
    'quantlens.bits': {
      items: { type: 'integer', minimum: INT_BITS.min, maximum: INT_BITS.max },
      markdownDescription: `Integer bit widths to analyse (${INT_BITS.min}..${INT_BITS.max}).`,
    },
    'quantlens.modes': { items: { type: 'string', enum: [...INT_MODES] } },
    'quantlens.granularity': { items: { type: 'string', enum: [...GRANULARITIES] } },
    'quantlens.groupSize': { minimum: 1, maximum: MAX_GROUP_SIZE },
    'quantlens.range': {
      anyOf: [rangeItem, { type: 'array', items: rangeItem, uniqueItems: true, minItems: 1 }],
      markdownDescription: `How the clipping range is chosen: ${orList(RANGE_METHOD_SYNTAX.map(code))} (e.g. ${code('percentile:99.99')}); `
        + 'a list compares several (per tensor), each drawn as a threshold on the Tensor tab\'s histogram.',
    },
    'quantlens.convention': { enum: [...CONVENTIONS] },
    'quantlens.formats': { items: { type: 'string', enum: [...NAMED_FORMATS] } },
  };
}

/** Writes the tables' fields into the manifest's settings; returns the settings that changed. */
export function syncSettings(manifest: Manifest): string[] {
  const properties = manifest.contributes.configuration.properties;
  const changed: string[] = [];
  for (const [key, fields] of Object.entries(settingsFromTables())) {
    const setting = properties[key];
    if (!setting) throw new Error(`package.json has no setting ${key}`);
    const before = JSON.stringify(setting);
    merge(setting, fields);
    if (JSON.stringify(setting) !== before) changed.push(key);
  }
  return changed;
}

function merge(target: SchemaNode, fields: SchemaNode): void {
  for (const [key, value] of Object.entries(fields)) {
    const current = target[key];
    if (isObject(value) && isObject(current)) merge(current, value);
    else target[key] = value;
  }
}

function isObject(v: unknown): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
