"""Cross-check of QuantLens's quantization math against torch (and hand ports of ORT / ModelOpt).

Run with Debian's Python (torch 1.13, numpy):  /usr/bin/python3 scripts/crosscheck/torch_weights.py
Writes test/fixtures/crosscheck/synthetic.npz (edge-case tensors) and
test/fixtures/crosscheck/torch_expected.json, which test/unit/quant/crosscheck.test.ts compares
QuantLens with. Nothing here runs at test time.

What is computed, per tensor of test/fixtures/mlp/mlp.npz and of synthetic.npz:
  lecture      CLI.md formulas written as plain torch float32 tensor code (round half to even),
               per tensor / per channel (axis 0 and 1) / per group of 128 (short last group).
  torch        torch.ao.quantization MinMaxObserver / PerChannelMinMaxObserver calculate_qparams()
               (qint8 symmetric, quint8 affine; custom quant_min/quant_max for 4 and 2 bits) and
               torch.fake_quantize_per_tensor_affine / per_channel_affine; groups as channels of a
               [groups, width] view.
  onnxruntime  quant_utils.py compute_scale_zp + quantize_nparray, ported line by line to numpy
               (onnxruntime's Python package is not installed here).
  histogram    torch HistogramObserver (quint8 affine and qint8 symmetric, 2048 bins): range and qparams.
  ranges       ModelOpt/TensorRT _compute_amax_entropy and ORT compute_percentile, ported to numpy,
               run on torch.histc histograms; the histc counts themselves for one tensor.
All MSE sums are float64: ((x.double() - deq.double()) ** 2).sum() / n.
"""
import json
import math
import os
from collections import Counter

import numpy as np
import torch
from torch.ao.quantization import HistogramObserver, MinMaxObserver, PerChannelMinMaxObserver

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MLP = os.path.join(REPO, "test", "fixtures", "mlp", "mlp.npz")
OUT_DIR = os.path.join(REPO, "test", "fixtures", "crosscheck")
SYNTHETIC = os.path.join(OUT_DIR, "synthetic.npz")
EXPECTED = os.path.join(OUT_DIR, "torch_expected.json")

BITS = (8, 4, 2)
MODES = ("symmetric", "asymmetric")
GROUP_SIZE = 128
SEED = 20240611


def synthetic_tensors():
    rng = np.random.RandomState(SEED)
    ties = (rng.randint(-254, 255, size=(4, 64)) / 2.0).astype(np.float32)
    ties[0, 0] = 127.0  # absmax 127: lecture int8 symmetric scale is exactly 1, every .5 is a tie
    ties[0, 1] = -127.0  # integral min and max: torch 1.13's HistogramObserver bins over [int(min), int(max)]
    positive = rng.uniform(1.0, 2.0, size=(32, 48)).astype(np.float32)
    outliers = (rng.randn(128, 256) * 0.02).astype(np.float32)
    outliers[rng.randint(0, 128, 12), rng.randint(0, 256, 12)] = rng.uniform(-1, 1, 12).astype(np.float32)
    odd_rows = (rng.randn(33, 100) * 0.05).astype(np.float32)
    vector = (rng.randn(300) * 0.1).astype(np.float32)
    return {"ties": ties, "positive": positive, "outliers": outliers, "odd_rows": odd_rows, "vector": vector}


def mse_of(x, deq):
    d = x.double() - deq.double()
    return float((d * d).sum() / x.numel()), float(d.abs().max())


# ---- lecture: CLI.md, as torch float32 code -------------------------------------------------

def lecture_roundtrip(x2d, bits, mode):
    """x2d: [segments, width] float32; one scale per row. Returns deq, scale, zp (per row)."""
    if mode == "symmetric":
        qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        scale = x2d.abs().amax(dim=1, keepdim=True) / qmax
        zp = torch.zeros_like(scale)
    else:
        qmin, qmax = 0, 2 ** bits - 1
        mn = x2d.amin(dim=1, keepdim=True)
        mx = x2d.amax(dim=1, keepdim=True)
        scale = (mx - mn) / (qmax - qmin)
        safe = torch.where(scale == 0, torch.ones_like(scale), scale)
        zp = torch.where(scale == 0, torch.zeros_like(scale), qmin - torch.round(mn / safe))
    safe = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(x2d / safe) + zp, qmin, qmax)
    deq = torch.where(scale == 0, x2d, safe * (q - zp))
    return deq, scale.flatten(), zp.flatten()


# ---- torch observers --------------------------------------------------------------------------

def torch_observer(per_channel, mode, bits, ch_axis=0):
    if mode == "symmetric":
        kw = dict(dtype=torch.qint8, quant_min=-(2 ** (bits - 1)), quant_max=2 ** (bits - 1) - 1)
        qscheme = torch.per_channel_symmetric if per_channel else torch.per_tensor_symmetric
    else:
        kw = dict(dtype=torch.quint8, quant_min=0, quant_max=2 ** bits - 1)
        qscheme = torch.per_channel_affine if per_channel else torch.per_tensor_affine
    if per_channel:
        return PerChannelMinMaxObserver(ch_axis=ch_axis, qscheme=qscheme, **kw), kw
    return MinMaxObserver(qscheme=qscheme, **kw), kw


def torch_roundtrip(x, per_channel, mode, bits, ch_axis=0):
    obs, kw = torch_observer(per_channel, mode, bits, ch_axis)
    obs(x)
    scale, zp = obs.calculate_qparams()
    if per_channel:
        deq = torch.fake_quantize_per_channel_affine(x, scale, zp.int(), ch_axis, kw["quant_min"], kw["quant_max"])
    else:
        deq = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), kw["quant_min"], kw["quant_max"])
    return deq, scale.flatten(), zp.flatten()


# ---- onnxruntime: quant_utils.py, ported to numpy ---------------------------------------------

def ort_qmin_qmax(bits, mode):
    if mode == "asymmetric":
        return np.array(0, dtype=np.int64), np.array(2 ** bits - 1, dtype=np.int64)
    if bits == 4:  # INT4 is not in ONNX_INT_TYPE_SYMMETRIC_RANGE: full [-8, 7]
        return np.array(-8, dtype=np.int64), np.array(7, dtype=np.int64)
    return np.array(-(2 ** (bits - 1) - 1), dtype=np.int64), np.array(2 ** (bits - 1) - 1, dtype=np.int64)


def ort_compute_scale_zp(rmin, rmax, qmin, qmax, symmetric):
    rmin = np.minimum(rmin, np.array(0, dtype=rmin.dtype))
    rmax = np.maximum(rmax, np.array(0, dtype=rmax.dtype))
    if symmetric:
        absmax = np.maximum(np.abs(rmin), np.abs(rmax))
        rmin = -absmax
        rmax = +absmax
    dr = np.array(rmax - rmin, dtype=np.float64)
    dq = np.array(qmax, dtype=np.float64) - np.array(qmin, dtype=np.float64)
    scale = np.array(dr / dq)
    if scale < np.finfo(rmax.dtype).tiny:
        return np.array(0), np.array(1.0, dtype=rmax.dtype)
    if symmetric:
        zero_point = np.array(np.round((qmin + qmax) / np.array(2.0, dtype=np.float64)))
    else:
        zero_point = np.array(np.round(qmin - rmin / scale))
    return zero_point, scale.astype(rmax.dtype)


def ort_roundtrip(xn, bits, mode):
    qmin, qmax = ort_qmin_qmax(bits, mode)
    zp, scale = ort_compute_scale_zp(np.array(xn.min()), np.array(xn.max()), qmin, qmax, mode == "symmetric")
    q = np.asarray((xn.astype(np.float32) / scale).round() + zp)  # quantize_nparray
    q = np.clip(q, qmin, qmax)
    deq = ((q - zp).astype(np.float32) * scale).astype(np.float32)  # DequantizeLinear
    return torch.from_numpy(deq), float(scale), int(zp)


# ---- ModelOpt / TensorRT entropy and ORT percentile, ported to numpy ---------------------------

def scipy_entropy(pk, qk):
    pk = pk / np.sum(pk)
    qk = qk / np.sum(qk)
    with np.errstate(divide="ignore", invalid="ignore"):
        vec = np.where(pk > 0, np.where(qk > 0, pk * np.log(pk / qk), np.inf), 0.0)
    return float(np.sum(vec))


def modelopt_entropy_amax(calib_hist, calib_bin_edges, num_bits, unsigned, stride=1, start_bin=128):
    bins = calib_hist.copy()
    bins[0] = bins[1]
    divergences = []
    nbins = 1 << (num_bits - 1 + int(unsigned))
    new_density_counts = np.zeros(nbins, dtype=np.float64)
    for i in range(start_bin, len(bins) + 1, stride):
        new_density_counts.fill(0)
        space = np.linspace(0, i, num=nbins + 1)
        digitized_space = np.digitize(range(i), space) - 1
        digitized_space[bins[:i] == 0] = -1
        for idx, digitized in enumerate(digitized_space):
            if digitized != -1:
                new_density_counts[digitized] += bins[idx]
        counter = Counter(digitized_space)
        for key, val in counter.items():
            if key != -1:
                new_density_counts[key] = new_density_counts[key] / val
        new_density = np.zeros(i, dtype=np.float64)
        for idx, digitized in enumerate(digitized_space):
            if digitized != -1:
                new_density[idx] = new_density_counts[digitized]
        reference_density = np.array(bins[:len(digitized_space)], dtype=np.float64)
        reference_density[-1] += np.sum(bins[i:])
        ent = scipy_entropy(reference_density, new_density)
        divergences.append(math.inf if math.isnan(ent) else ent)
    divergences = np.array(divergences)
    last_argmin = len(divergences) - 1 - np.argmin(divergences[::-1])
    return int(last_argmin * stride + start_bin), float(calib_bin_edges[last_argmin * stride + start_bin])


def ort_percentile_index(hist, percentile_fraction):
    total = hist.sum()
    cdf = np.cumsum(hist / total)
    return int(np.searchsorted(cdf, percentile_fraction))


# ---- per tensor ------------------------------------------------------------------------------

def segments(x, granularity, axis=0):
    """[segments, width] views for per tensor / per channel / per group of the last axis (short last group)."""
    if granularity == "tensor":
        return [x.reshape(1, -1)]
    if granularity == "channel":
        return [x.movedim(axis, 0).reshape(x.shape[axis], -1)]
    last = x.shape[-1]
    rows = x.reshape(-1, last)
    return [rows[:, g:g + GROUP_SIZE] for g in range(0, last, GROUP_SIZE)]


def configs(rank):
    out = [("tensor", None)]
    if rank >= 2:
        out += [("channel", 0), ("channel", 1), ("group", None)]
    return out


def entry(bits, mode, granularity, axis, deq, x, scales, zps):
    mse, max_abs = mse_of(x, deq)
    e = {"bits": bits, "mode": mode, "granularity": granularity, "axis": axis,
         "groupSize": GROUP_SIZE if granularity == "group" else None,
         "mse": mse, "maxAbsErr": max_abs,
         "scaleMin": float(scales.min()), "scaleMax": float(scales.max())}
    if granularity == "tensor":
        e["scale"] = float(scales[0])
        e["zeroPoint"] = float(zps[0])
    return e


def gather(parts, x, granularity, axis):
    """Reassemble per-segment deq parts into x's shape."""
    if granularity == "tensor":
        return parts[0].reshape(x.shape)
    if granularity == "channel":
        moved = list(x.movedim(axis, 0).shape)
        return parts[0].reshape(moved).movedim(0, axis)
    last = x.shape[-1]
    return torch.cat(parts, dim=1).reshape(x.shape) if last else x


def analyse(name, xn):
    x = torch.from_numpy(np.ascontiguousarray(xn))
    out = {"name": name, "shape": list(x.shape), "lecture": [], "torch": [], "onnxruntime": [], "histogramObserver": []}
    for bits in BITS:
        for mode in MODES:
            for granularity, axis in configs(x.dim()):
                segs = segments(x, granularity, axis or 0)
                lec = [lecture_roundtrip(s, bits, mode) for s in segs]
                deq = gather([d for d, _, _ in lec], x, granularity, axis or 0)
                out["lecture"].append(entry(bits, mode, granularity, axis, deq, x,
                                            torch.cat([s for _, s, _ in lec]), torch.cat([z for _, _, z in lec])))
                if granularity == "tensor":
                    deq, s, z = torch_roundtrip(x.reshape(-1), False, mode, bits)
                    deq = deq.reshape(x.shape)
                elif granularity == "channel":
                    deq, s, z = torch_roundtrip(x, True, mode, bits, ch_axis=axis)
                else:
                    parts = [torch_roundtrip(seg.contiguous(), True, mode, bits, ch_axis=0) for seg in segs]
                    deq = gather([d for d, _, _ in parts], x, granularity, 0)
                    s = torch.cat([p[1] for p in parts])
                    z = torch.cat([p[2] for p in parts])
                out["torch"].append(entry(bits, mode, granularity, axis, deq, x, s, z.double()))
            deq, s, z = ort_roundtrip(xn.reshape(-1), bits, mode)
            out["onnxruntime"].append(entry(bits, mode, "tensor", None, deq.reshape(x.shape), x, torch.tensor([s]), torch.tensor([float(z)])))
    for mode in MODES:
        if mode == "symmetric":
            obs = HistogramObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
            qmin, qmax = -128, 127
        else:
            obs = HistogramObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine)
            qmin, qmax = 0, 255
        obs(x)
        new_min, new_max = obs._non_linear_param_search()
        scale, zp = obs.calculate_qparams()
        deq = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), qmin, qmax)
        mse, max_abs = mse_of(x, deq)
        out["histogramObserver"].append({"bits": 8, "mode": mode, "min": float(new_min), "max": float(new_max),
                                         "scale": float(scale), "zeroPoint": int(zp), "mse": mse, "maxAbsErr": max_abs})
    absmax = float(x.abs().max())
    hist_abs = torch.histc(x.abs(), bins=2048, min=0, max=absmax).double().numpy()
    edges = np.linspace(0, absmax, 2049)
    out["ranges"] = {
        "modelOptEntropy": [{"bits": b, "bin": modelopt_entropy_amax(hist_abs.copy(), edges, b, False)[0]} for b in (8, 4)],
        "percentile": [{"percentile": p, "bin": ort_percentile_index(hist_abs, p / 100)} for p in (99.0, 99.9, 99.99)],
    }
    return out


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    synth = synthetic_tensors()
    np.savez(SYNTHETIC, **synth)
    mlp = dict(np.load(MLP).items())
    result = {
        "generator": "scripts/crosscheck/torch_weights.py",
        "torch": torch.__version__, "numpy": np.__version__,
        "files": {"mlp": "test/fixtures/mlp/mlp.npz", "synthetic": "test/fixtures/crosscheck/synthetic.npz"},
        "groupSize": GROUP_SIZE,
        "tensors": {"mlp": [analyse(k, v) for k, v in mlp.items()], "synthetic": [analyse(k, v) for k, v in synth.items()]},
    }
    x = torch.from_numpy(mlp["fc2.weight"])
    result["histc"] = {
        "tensor": "fc2.weight",
        "absolute": torch.histc(x.abs(), bins=2048, min=0, max=float(x.abs().max())).int().tolist(),
        "signed": torch.histc(x, bins=2048, min=float(x.min()), max=float(x.max())).int().tolist(),
    }
    with open(EXPECTED, "w") as f:
        json.dump(result, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
