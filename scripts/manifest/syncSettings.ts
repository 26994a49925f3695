/** `npm run sync:settings`: copies the vocabulary tables into package.json's settings (see settingsFromTables.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { syncSettings, type Manifest } from './settingsFromTables';

const file = path.join(__dirname, '..', '..', 'package.json');
const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const changed = syncSettings(manifest);
if (changed.length > 0) writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(changed.length > 0 ? `package.json: ${changed.join(', ')} written from the tables\n` : 'package.json settings match the tables\n');
