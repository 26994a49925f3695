import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { KernelLease, WasmKernels } from '../../../../src/core/analysis/engine/wasmKernels';
import { openModel } from '../../../../src/core/formats/registry';
import { errorKeyOf, type Candidate, type IntGroup } from '../../../../src/core/plan/costModel';
import { sourcesOf } from '../../../../src/core/plan/errors/errorSweep';
import { tensorErrorSums } from '../../../../src/core/plan/errors/tensorErrors';
import type { IntConventionName } from '../../../../src/core/plan/intConventions';
import { openLlamaModel } from '../../../../src/core/plan/llamaCpp/openLlamaModel';
import type { PlanTensor } from '../../../../src/core/plan/planTypes';
import { openTargetModel } from '../../../../src/core/plan/targets/openTargetModel';
import { compiledKernels } from '../../wasm/compiled';
import { PLAN_FIXTURES } from '../expectedPlans';
import { HF_LLAMA } from '../targetModels';

/** The kernels, counting the calls of the int round trip kernel (so the test knows it ran). */
class CountingKernels extends WasmKernels {
  intCalls = 0;

  override lease(): KernelLease {
    const inner = super.lease();
    const planIntRoundTrip = (...args: Parameters<KernelLease['k']['planIntRoundTrip']>): void => {
      this.intCalls++;
      inner.k.planIntRoundTrip(...args);
    };
    // the exports object is frozen: a copy with the counting function
    const exports = { ...inner.k, planIntRoundTrip };
    return new KernelLease(exports, () => inner.release());
  }
}

const int = (convention: IntConventionName, bits: 4 | 8, group: IntGroup, asymmetric: boolean): Candidate => ({
  kind: 'int', bits, group, scale: 'source', zero: asymmetric ? 'packed' : 'none', convention,
});

/** compressed-tensors at both widths and zero points, torchao int8, in groups, channels and whole tensors. */
const CANDIDATES: readonly Candidate[] = [
  int('compressed-tensors', 4, 32, false), int('compressed-tensors', 4, 128, true), int('compressed-tensors', 8, 'channel', false),
  int('compressed-tensors', 8, 'tensor', true), int('compressed-tensors', 4, 'tensor', false),
  int('torchao-int8', 8, 'channel', false), int('torchao-int8', 8, 'tensor', false), int('torchao-int8', 8, 32, false),
];

describe('plan errors: int round trips through the WebAssembly kernel price as the TypeScript reference', function () {
  this.timeout(120_000);

  for (const [label, file] of [['BF16 (Hugging Face)', HF_LLAMA], ['F16 (GGUF)', path.join(PLAN_FIXTURES, 'llama-gqa.gguf')]] as const) {
    it(`${label}: every tensor's error sums equal the kernel-less path's to the last bit`, async () => {
      const kernels = new CountingKernels((await compiledKernels()).module);
      const tensors: readonly PlanTensor[] = file.endsWith('.gguf') ? (await openLlamaModel([file])).tensors : await openTargetModel([file]);
      const model = await openModel([file]);
      let priced = 0;
      try {
        for (const tensor of tensors.filter((t) => t.ne.length === 2)) {
          const request = { sources: sourcesOf(tensor, ''), tensor, candidates: CANDIDATES, weights: null };
          const viaKernel = await tensorErrorSums(model, request, {}, kernels);
          const reference = await tensorErrorSums(model, request, {}, null);
          assert.deepEqual(viaKernel, reference, tensor.name);
          for (const c of CANDIDATES) {
            const noise = viaKernel.noise[errorKeyOf(c)];
            if (noise === undefined) continue;
            assert.ok(noise > 0, `${tensor.name} ${errorKeyOf(c)}`);
            priced++;
          }
        }
      } finally {
        await model.close();
      }
      assert.ok(priced >= 20, `${priced} priced`);
      assert.ok(kernels.intCalls >= priced, `${kernels.intCalls} kernel calls for ${priced} priced`);
    });
  }
});
