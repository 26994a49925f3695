import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { claimedExtensions, FILE_CLAIMS, opensByDefault, SHARD_INDEX_FILES } from '../../../src/core/formats/claimTable';
import { isClaimedBy, type EditorPriority, type FileClaim } from '../../../src/core/formats/fileClaim';
import { READERS } from '../../../src/core/formats/registry';

interface Manifest {
  contributes: {
    customEditors: { viewType: string; priority: string; selector: { filenamePattern: string }[] }[];
    menus: { 'explorer/context': { command: string; when: string }[] };
  };
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const PRIORITIES: readonly EditorPriority[] = ['default', 'option'];
/** The explorer menu entry's form: `.ext` names by extension, the others by the end of the name. */
const WHEN_FORM = /^resourceExtname =~ \/\^\\\.\(([^)]*)\)\$\/ \|\| resourceFilename =~ \/\(([^)]*)\)\$\/$/;
/** A claim VS Code can test with resourceExtname: `*.` and one extension. */
const EXTENSION_PATTERN = /^\*\.([^.*]+)$/;
/** Names near the claimed ones that no reader reads. */
const UNCLAIMED = ['model.json', 'config.json', 'notes.txt', 'model.safetensors.bak', 'weights_manifest.json.txt', 'index.json'];

const sorted = (patterns: readonly string[]) => [...patterns].sort();
const patternsOf = (claims: readonly FileClaim[]) => sorted(claims.map((c) => c.pattern));
/** A file name the claim matches: its pattern with `*` read as "model". */
const exampleOf = (claim: FileClaim) => claim.pattern.replace(/\*/g, 'model');
const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function openFileWhen(): string {
  const entry = manifest.contributes.menus['explorer/context'].find((m) => m.command === 'quantlens.openFile');
  assert.ok(entry, 'package.json has no explorer/context entry for quantlens.openFile');
  return entry.when;
}

describe('file claims: readers and package.json agree', () => {
  it('FILE_CLAIMS is every reader\'s files plus the shard index, once each', () => {
    const fromReaders = [...READERS.flatMap((r) => r.files), ...SHARD_INDEX_FILES];
    assert.deepEqual(patternsOf(FILE_CLAIMS), patternsOf(fromReaders));
    assert.equal(new Set(FILE_CLAIMS.map((c) => c.pattern.toLowerCase())).size, FILE_CLAIMS.length, 'a pattern is claimed twice');
    for (const reader of READERS) assert.ok(reader.files.length > 0, `${reader.id} claims no file names`);
  });

  it('patterns use only `*`, the one wildcard isClaimedBy and VS Code read alike', () => {
    for (const claim of FILE_CLAIMS) assert.doesNotMatch(claim.pattern, /[?[\]{}/\\]/, claim.pattern);
  });

  for (const priority of PRIORITIES) {
    it(`the ${priority} custom editor's selectors are exactly the ${priority} claims`, () => {
      const editors = manifest.contributes.customEditors.filter((e) => e.priority === priority);
      assert.equal(editors.length, 1, `package.json has ${editors.length} customEditors with priority ${priority}`);
      const selectors = editors[0]!.selector.map((s) => s.filenamePattern);
      assert.deepEqual(sorted(selectors), patternsOf(FILE_CLAIMS.filter((c) => c.editor === priority)));
    });
  }

  it('the explorer\'s "Open Weights File" names every claim and nothing else', () => {
    const when = openFileWhen();
    const form = WHEN_FORM.exec(when);
    assert.ok(form, `explorer/context when has an unexpected form: ${when}`);
    const [, extensions, names] = form;
    const byExtension = FILE_CLAIMS.flatMap((c) => EXTENSION_PATTERN.exec(c.pattern)?.[1] ?? []);
    const byName = FILE_CLAIMS.filter((c) => !EXTENSION_PATTERN.test(c.pattern)).map((c) => escapeRegExp(c.pattern.replace(/^\*/, '')));
    assert.deepEqual(sorted(extensions!.split('|')), sorted(byExtension));
    assert.deepEqual(sorted(names!.split('|')), sorted(byName));
    const extensionRe = new RegExp(`^\\.(${extensions})$`);
    const nameRe = new RegExp(`(${names})$`);
    const shown = (name: string) => extensionRe.test(path.extname(name)) || nameRe.test(name);
    for (const claim of FILE_CLAIMS) assert.ok(shown(exampleOf(claim)), `${exampleOf(claim)} gets no menu entry`);
    for (const name of UNCLAIMED) assert.equal(shown(name), false, `${name} gets a menu entry`);
  });
});

describe('file claims: matching', () => {
  it('matches the base name in any case, like VS Code\'s filenamePattern', () => {
    assert.ok(isClaimedBy(FILE_CLAIMS, '/models/Llama.SafeTensors'));
    assert.ok(isClaimedBy(FILE_CLAIMS, 'C:\\models\\tf_weights_manifest.json'));
    assert.ok(isClaimedBy(FILE_CLAIMS, 'model.safetensors.index.json'));
    for (const name of UNCLAIMED) assert.equal(isClaimedBy(FILE_CLAIMS, name), false, name);
    assert.equal(isClaimedBy(FILE_CLAIMS, 'dir.gguf/notes.txt'), false, 'a folder name is not the file name');
  });

  it('the inspector opens safetensors, gguf, onnx and numpy files by default; shared names only as an option', () => {
    for (const name of ['a.safetensors', 'a.gguf', 'a.onnx', 'a.npz', 'a.NPY']) assert.ok(opensByDefault(name), name);
    for (const name of ['a.pt', 'a.pth', 'pytorch_model.bin', 'last.ckpt', 'group1-weights_manifest.json', 'model.safetensors.index.json']) {
      assert.equal(opensByDefault(name), false, name);
      assert.ok(isClaimedBy(FILE_CLAIMS, name), name);
    }
  });

  it('the open dialog filters by every claimed extension, once each', () => {
    assert.deepEqual(sorted(claimedExtensions()), sorted(['safetensors', 'gguf', 'onnx', 'npz', 'npy', 'pt', 'pth', 'bin', 'ckpt', 'json']));
  });
});
