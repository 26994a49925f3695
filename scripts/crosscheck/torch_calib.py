"""Cross-check of `quantlens calibrate` / `ptq` against torch on the sample MLP.

Writes test/fixtures/calib/torch_calib.json with, for each activation of samples/mlp/model.onnx
(named as in the ONNX graph), the qparams of torch's observers after seeing samples/mlp/calib.npy
in batches of 32 (QuantLens's default batch):

- MinMaxObserver(quint8, per_tensor_affine)
- HistogramObserver(quint8, per_tensor_affine) with the forward of torch >= 2.1 (float bounds,
  `_upscale_histogram` combine), which QuantLens follows: key "histogram"
- HistogramObserver as Debian's torch 1.13 runs it (it bins with int(min)/int(max) and combines
  by cumulative sums): key "histogram_torch113", for information

and torch's weight-only fake-quant accuracies on samples/mlp/test.npz (symmetric per tensor,
scale = max|w| / (2^(b-1) - 1), round half to even, biases float) at 8/4/2 bits.

Run: /usr/bin/python3 scripts/crosscheck/torch_calib.py
"""
import json
import os

import numpy as np
import torch
from torch.ao.quantization.observer import HistogramObserver, MinMaxObserver

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
SAMPLE = os.path.join(ROOT, 'samples', 'mlp')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'calib', 'torch_calib.json')
BATCH = 32
BITS = (8, 4, 2)
ONNX_NAMES = ['/Flatten_output_0', '/fc1/Gemm_output_0', '/Relu_output_0', '/fc2/Gemm_output_0', '/Relu_1_output_0', 'logits']


class CurrentHistogramObserver(HistogramObserver):
    """HistogramObserver.forward and its combine as torch >= 2.1 has them (torch/ao/quantization/observer.py)."""

    def _upscale_histogram(self, histogram, orig_min, orig_max, update_min, update_max):
        histogram = histogram.repeat_interleave(self.upsample_rate) / self.upsample_rate
        bin_size = (orig_max - orig_min) / (self.bins * self.upsample_rate)
        mid_points = torch.linspace(orig_min, orig_max, self.bins * self.upsample_rate + 1)[:-1] + 0.5 * bin_size
        boundaries = torch.linspace(update_min, update_max, self.bins + 1)
        assignments = torch.bucketize(mid_points, boundaries, right=True) - 1
        assignments[assignments >= self.bins] = self.bins - 1
        assignments[assignments < 0] = 0
        return torch.bincount(assignments, weights=histogram, minlength=self.bins)

    def _combine(self, orig_hist, orig_min, orig_max, update_hist, update_min, update_max):
        if update_min == orig_min and update_max == orig_max:
            return orig_hist + update_hist
        if orig_min == orig_max:
            bin_value = torch.sum(update_hist)
            transformed = torch.histc(torch.tensor([orig_min]), bins=self.bins, min=update_min, max=update_max) * bin_value
            return transformed + update_hist
        return update_hist + self._upscale_histogram(orig_hist, orig_min, orig_max, update_min, update_max)

    def forward(self, x_orig):
        x = x_orig.detach()
        x_min, x_max = (v.item() for v in torch.aminmax(x))
        if self.min_val.item() == float('inf') or self.max_val.item() == float('-inf'):
            self.min_val.copy_(torch.tensor(x_min))
            self.max_val.copy_(torch.tensor(x_max))
            self.histogram.copy_(torch.histc(x, self.bins, min=x_min, max=x_max))
            return x_orig
        cur_min, cur_max = self.min_val.item(), self.max_val.item()
        new_min, new_max = min(cur_min, x_min), max(cur_max, x_max)
        update = torch.histc(x, self.bins, min=new_min, max=new_max)
        combined = self._combine(self.histogram, cur_min, cur_max, update, new_min, new_max)
        self.histogram.copy_(combined.to(torch.float))
        self.min_val.copy_(torch.tensor(new_min))
        self.max_val.copy_(torch.tensor(new_max))
        return x_orig


def mlp_state():
    return torch.load(os.path.join(SAMPLE, 'model.pt'))


def layers(state, x):
    """Each activation of the ONNX graph, in graph order."""
    f = torch.flatten(x, 1)
    a1 = f @ state['fc1.weight'].T + state['fc1.bias']
    r1 = torch.relu(a1)
    a2 = r1 @ state['fc2.weight'].T + state['fc2.bias']
    r2 = torch.relu(a2)
    out = r2 @ state['fc3.weight'].T + state['fc3.bias']
    return [f, a1, r1, a2, r2, out]


def qparams_dict(observer):
    scale, zp = observer.calculate_qparams()
    entry = {'scale': float(scale.item()), 'zeroPoint': int(zp.item())}
    if isinstance(observer, MinMaxObserver):
        entry.update(min=float(observer.min_val.item()), max=float(observer.max_val.item()))
    return entry


def calibrate(state):
    calib = torch.from_numpy(np.load(os.path.join(SAMPLE, 'calib.npy')))
    kinds = {
        'minmax': lambda: MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine),
        'histogram': lambda: CurrentHistogramObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine),
        'histogram_torch113': lambda: HistogramObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine),
    }
    observers = {name: {k: make() for k, make in kinds.items()} for name in ONNX_NAMES}
    with torch.no_grad():
        for start in range(0, calib.shape[0], BATCH):
            for name, value in zip(ONNX_NAMES, layers(state, calib[start:start + BATCH])):
                for obs in observers[name].values():
                    obs(value)
    return {name: {k: qparams_dict(o) for k, o in obs.items()} for name, obs in observers.items()}


def weight_only(state):
    test = np.load(os.path.join(SAMPLE, 'test.npz'))
    x, y = torch.from_numpy(test['x']), torch.from_numpy(test['y'])
    accuracy = lambda s: float((layers(s, x)[-1].argmax(1) == y).double().mean().item() * 100)
    results = []
    with torch.no_grad():
        for bits in BITS:
            qmax = 2 ** (bits - 1) - 1
            q = dict(state)
            for name in ('fc1.weight', 'fc2.weight', 'fc3.weight'):
                w = state[name]
                scale = w.abs().max() / qmax
                q[name] = torch.clamp(torch.round(w / scale), -qmax - 1, qmax) * scale
            results.append({'bits': bits, 'accuracy': accuracy(q)})
        return accuracy(state), results


def main():
    torch.set_num_threads(1)
    state = mlp_state()
    float_accuracy, weight_results = weight_only(state)
    out = {
        'source': 'scripts/crosscheck/torch_calib.py',
        'torch': torch.__version__,
        'model': 'samples/mlp/model.onnx',
        'calibration': {'data': 'samples/mlp/calib.npy', 'batch': BATCH, 'dtype': 'quint8', 'qscheme': 'per_tensor_affine'},
        'activations': calibrate(state),
        'floatAccuracy': float_accuracy,
        'weightOnly': weight_results,
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
