import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { FormatError } from '../../../src/core/errors';
import { numpyReader } from '../../../src/core/formats/numpy';
import { pytorchReader } from '../../../src/core/formats/pytorch';
import { torchResolver } from '../../../src/core/formats/pytorch/pickle';
import { dangerReason } from '../../../src/core/pickle/denyList';
import { restrictedResolver } from '../../../src/core/pickle/pythonGlobals';
import { unpickle } from '../../../src/core/pickle/unpickler';
import { PyClass } from '../../../src/core/pickle/values';
import { openAndReadAll } from '../helpers/memoryOpen';

const DIR = 'test/fixtures/malicious';
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as { files: Record<string, { canary: string; why: string }> };

/** What each hostile file must be refused for. */
const REFUSALS: Record<string, RegExp> = {
  'os_system_p0.pkl': /refused pickle global os\.system/,
  'posix_system_p2.pkl': /refused pickle global posix\.system/,
  'posix_system_p4.pkl': /refused pickle global posix\.system/,
  'eval_p4.pkl': /refused pickle global builtins\.eval/,
  'subprocess_p2.pkl': /refused pickle global subprocess\.call/,
  'hidden_state_dict.pt': /refused pickle global posix\.system/,
  'hidden_legacy.pt': /refused pickle global posix\.system/,
  'nested_load.pt': /refused pickle global torch\.storage\._load_from_bytes: it would load a nested pickle/,
  'object_array.npz': /object arrays are pickles; refused/,
  'object_array.npy': /object arrays are pickles; refused/,
};

async function load(name: string): Promise<unknown> {
  const bytes = new Uint8Array(readFileSync(`${DIR}/${name}`));
  if (name.endsWith('.pkl')) return unpickle(bytes, { format: 'pytorch', resolveGlobal: torchResolver(), persistentLoad: () => null });
  const reader = name.endsWith('.pt') ? pytorchReader : numpyReader;
  assert.ok(reader.sniff(bytes.subarray(0, 4096), name), `${name} is not sniffed as ${reader.id}`);
  return openAndReadAll(reader, { [name]: bytes });
}

describe('hostile pickles', () => {
  it('every fixture has an expected refusal', () => {
    assert.deepEqual(Object.keys(expected.files).sort(), Object.keys(REFUSALS).sort());
  });

  for (const [name, { canary, why }] of Object.entries(expected.files)) {
    it(`refuses ${name} (${why}) and runs nothing`, async () => {
      rmSync(canary, { force: true });
      await assert.rejects(load(name), (e: unknown) => {
        assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
        assert.match(e.message, REFUSALS[name]!);
        // A refused global is reported at its GLOBAL opcode in the file.
        const global = /refused pickle global ([\w.]+)\.(\w+)/.exec(e.message);
        if (global && name.endsWith('.pt')) {
          assert.ok(e.offset !== undefined, 'refusal without an offset');
          const at = readFileSync(`${DIR}/${name}`).subarray(e.offset, e.offset + 1 + global[1]!.length).toString('latin1');
          assert.equal(at, `c${global[1]}`, 'offset of the GLOBAL opcode');
        }
        return true;
      });
      assert.equal(existsSync(canary), false, `${canary} was created`);
    });
  }

  it('refuses dangerous modules and builtins, and lets plain data classes through as placeholders', () => {
    for (const [module, name] of [['os', 'system'], ['nt', 'system'], ['subprocess', 'Popen'], ['builtins', 'getattr'],
      ['__builtin__', 'eval'], ['builtins', '__import__'], ['importlib.machinery', 'SourceFileLoader'], ['torch', 'load'],
      ['pathlib', 'Path.write_text'], ['operator', 'attrgetter'], ['runpy', '_run_code'], ['torch.hub', 'load']]) {
      assert.ok(dangerReason(module!, name!), `${module}.${name} should be refused`);
    }
    for (const [module, name] of [['__main__', 'MLP'], ['torch.nn.modules.linear', 'Linear'], ['argparse', 'Namespace'],
      ['builtins', 'set'], ['numpy.core.multiarray', 'scalar'], ['pathlib', 'PosixPath'], ['collections', 'OrderedDict']]) {
      assert.equal(dangerReason(module!, name!), undefined, `${module}.${name} should be allowed`);
    }
    const resolve = restrictedResolver('pickle', new Map());
    assert.ok(resolve('argparse', 'Namespace') instanceof PyClass);
    assert.throws(() => resolve('posix', 'system'), /refused pickle global posix\.system: module posix/);
    assert.throws(() => resolve('__builtin__', 'eval'), /refused pickle global builtins\.eval/);
  });
});
