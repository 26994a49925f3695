"""The comparison side of `npm run bench`: the notebook's torch code, a tuned torch version and numpy,
on the same float32 tensor (a .npy written by bench.ts). Prints one JSON line per measurement.
`--notebook-file FILE.npy` runs the notebook's int8 code once on a file (timed from outside).

Run with Debian's python (/usr/bin/python3: torch 1.13, numpy). Every implementation computes what
QuantLens reports for a config: the round trip, MSE, max |err|, mean relative error, SQNR, cosine,
and in the "+ histograms" suite the 128-bin histograms of deq and of the error.
"""
import json
import resource
import sys
import time

import numpy as np

try:
    import torch
except ImportError:  # the bench prints a message and carries on without torch
    torch = None

REPEATS = 3
# A run this long is measured once: the slow baselines would otherwise take minutes.
LONG_RUN_SECONDS = 5.0
BINS = 128
SUITE = [(b, m) for b in (8, 4, 2) for m in ("symmetric", "asymmetric")]


def best(fn):
    t0 = time.perf_counter()
    fn()  # warm-up
    fastest = time.perf_counter() - t0
    if fastest > LONG_RUN_SECONDS:
        return fastest
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - t0)
    return fastest


def emit(scenario, impl, seconds, elements, bytes_per_element):
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"scenario": scenario, "impl": impl, "seconds": seconds, "elements": elements,
                      "inputBytes": elements * bytes_per_element, "maxRssMB": rss_mb}), flush=True)


def qrange(bits, mode):
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if mode == "symmetric" else (0, 2 ** bits - 1)


# --- the notebook: straightforward torch, default threads, a fresh tensor per step ---------------

def notebook_int8(w):
    scale = w.abs().max() / 127
    q = torch.clamp(torch.round(w / scale), -128, 127)
    deq = q * scale
    return ((w - deq) ** 2).mean()


def notebook_config(w, bits, mode, histograms, dim=None):
    qmin, qmax = qrange(bits, mode)
    if mode == "symmetric":
        absmax = w.abs().max() if dim is None else w.abs().amax(dim=dim, keepdim=True)
        scale = absmax / qmax
        zp = torch.zeros_like(scale)
    else:
        lo = w.min() if dim is None else w.amin(dim=dim, keepdim=True)
        hi = w.max() if dim is None else w.amax(dim=dim, keepdim=True)
        scale = (hi - lo) / (qmax - qmin)
        zp = qmin - torch.round(lo / scale)
    q = torch.clamp(torch.round(w / scale) + zp, qmin, qmax)
    deq = scale * (q - zp)
    err = w - deq
    mse = (err ** 2).mean()
    max_err = err.abs().max()
    rel = (err.abs() / (w.abs() + 1e-10)).mean() * 100
    sqnr = 10 * torch.log10((w ** 2).sum() / (err ** 2).sum())
    cos = torch.nn.functional.cosine_similarity(w.flatten(), deq.flatten(), dim=0)
    if histograms:
        torch.histc(deq, BINS, w.min().item(), w.max().item())
        torch.histc(err, BINS, -max_err.item(), max_err.item())
    return mse, max_err, rel, sqnr, cos


# --- tuned torch: two threads, in-place into one scratch buffer, reductions fused where torch can --

def tuned_config(w, bits, mode, histograms, scratch, dim=None):
    qmin, qmax = qrange(bits, mode)
    if mode == "symmetric":
        absmax = w.abs().max() if dim is None else w.abs().amax(dim=dim, keepdim=True)
        scale = absmax / qmax
        zp = 0.0
    else:
        lo, hi = (w.aminmax() if dim is None else w.aminmax(dim=dim, keepdim=True))
        scale = (hi - lo) / (qmax - qmin)
        zp = qmin - torch.round(lo / scale)
    d = scratch
    torch.div(w, scale, out=d)
    d.round_()
    if mode == "asymmetric":
        d.add_(zp)
    d.clamp_(qmin, qmax)
    if mode == "asymmetric":
        d.sub_(zp)
    d.mul_(scale)  # deq
    if histograms:
        torch.histc(d, BINS, w.min().item(), w.max().item())
    sum_deq2 = torch.dot(d.view(-1), d.view(-1))
    dot = torch.dot(w.view(-1), d.view(-1))
    d.sub_(w)  # -err
    sum_err2 = torch.dot(d.view(-1), d.view(-1))
    max_err = d.abs_().max()
    if histograms:
        torch.histc(d, BINS, 0, max_err.item())
    rel = d.div_(w.abs().add_(1e-10)).mean() * 100
    n = w.numel()
    sum_w2 = torch.dot(w.view(-1), w.view(-1))
    return sum_err2 / n, max_err, rel, 10 * torch.log10(sum_w2 / sum_err2), dot / torch.sqrt(sum_w2 * sum_deq2)


def tuned_int8(w, scratch):
    scale = w.abs().max() / 127
    torch.div(w, scale, out=scratch)
    scratch.round_().clamp_(-128, 127).mul_(scale).sub_(w)
    return torch.dot(scratch.view(-1), scratch.view(-1)) / w.numel()


# --- numpy: straightforward vectorised code ---------------------------------------------------------

def numpy_config(w, bits, mode, histograms, axis=None):
    qmin, qmax = qrange(bits, mode)
    if mode == "symmetric":
        scale = np.abs(w).max(axis=axis, keepdims=axis is not None) / qmax
        zp = 0.0
    else:
        lo = w.min(axis=axis, keepdims=axis is not None)
        hi = w.max(axis=axis, keepdims=axis is not None)
        scale = (hi - lo) / (qmax - qmin)
        zp = qmin - np.rint(lo / scale)
    q = np.clip(np.rint(w / scale) + zp, qmin, qmax)
    deq = (scale * (q - zp)).astype(np.float32)
    err = w - deq
    mse = np.mean(err * err)
    max_err = np.abs(err).max()
    rel = np.mean(np.abs(err) / (np.abs(w) + 1e-10)) * 100
    sqnr = 10 * np.log10(np.sum(w * w) / np.sum(err * err))
    cos = np.dot(w.ravel(), deq.ravel()) / np.sqrt(np.dot(w.ravel(), w.ravel()) * np.dot(deq.ravel(), deq.ravel()))
    if histograms:
        np.histogram(deq, BINS, (w.min(), w.max()))
        np.histogram(err, BINS, (-max_err, max_err))
    return mse, max_err, rel, sqnr, cos


def numpy_int8(w):
    scale = np.abs(w).max() / 127
    q = np.clip(np.rint(w / scale), -128, 127)
    deq = q * scale
    return np.mean((w - deq) ** 2)


def main(npy):
    w_np = np.load(npy)
    n = w_np.size
    groups = w_np.reshape(-1, 128)

    emit("int8 per tensor", "numpy", best(lambda: numpy_int8(w_np)), n, 4)
    emit("8/4/2 sym+asym", "numpy", best(lambda: [numpy_config(w_np, b, m, False) for b, m in SUITE]), n, 4)
    emit("8/4/2 sym+asym + histograms", "numpy",
         best(lambda: [numpy_config(w_np, b, m, True) for b, m in SUITE]), n, 4)
    emit("int8 per channel sym+asym", "numpy",
         best(lambda: [numpy_config(w_np, 8, m, False, axis=1) for m in ("symmetric", "asymmetric")]), n, 4)
    emit("int4 per group 128", "numpy", best(lambda: numpy_config(groups, 4, "symmetric", False, axis=1)), n, 4)

    if torch is None:
        print(json.dumps({"skipped": "torch is not installed for this python"}), flush=True)
        return
    w = torch.from_numpy(w_np)
    w_groups = w.view(-1, 128)
    w_bf16 = w.to(torch.bfloat16)
    default_threads = torch.get_num_threads()

    emit("int8 per tensor", f"torch, notebook ({default_threads} thread)", best(lambda: notebook_int8(w)), n, 4)
    emit("8/4/2 sym+asym", f"torch, notebook ({default_threads} thread)",
         best(lambda: [notebook_config(w, b, m, False) for b, m in SUITE]), n, 4)
    emit("8/4/2 sym+asym + histograms", f"torch, notebook ({default_threads} thread)",
         best(lambda: [notebook_config(w, b, m, True) for b, m in SUITE]), n, 4)
    emit("int8 per channel sym+asym", f"torch, notebook ({default_threads} thread)",
         best(lambda: [notebook_config(w, 8, m, False, dim=1) for m in ("symmetric", "asymmetric")]), n, 4)
    emit("int4 per group 128", f"torch, notebook ({default_threads} thread)",
         best(lambda: notebook_config(w_groups, 4, "symmetric", False, dim=1)), n, 4)
    emit("BF16 input, 8/4/2 suite", f"torch, notebook ({default_threads} thread)",
         best(lambda: [notebook_config(w_bf16.float(), b, m, False) for b, m in SUITE]), n, 2)

    torch.set_num_threads(2)
    scratch = torch.empty_like(w)
    emit("int8 per tensor", "torch, tuned (2 threads)", best(lambda: tuned_int8(w, scratch)), n, 4)
    emit("8/4/2 sym+asym", "torch, tuned (2 threads)",
         best(lambda: [tuned_config(w, b, m, False, scratch) for b, m in SUITE]), n, 4)
    emit("8/4/2 sym+asym + histograms", "torch, tuned (2 threads)",
         best(lambda: [tuned_config(w, b, m, True, scratch) for b, m in SUITE]), n, 4)
    emit("int8 per channel sym+asym", "torch, tuned (2 threads)",
         best(lambda: [tuned_config(w, 8, m, False, scratch, dim=1) for m in ("symmetric", "asymmetric")]), n, 4)
    emit("int4 per group 128", "torch, tuned (2 threads)",
         best(lambda: tuned_config(w_groups, 4, "symmetric", False, scratch.view(-1, 128), dim=1)), n, 4)
    emit("BF16 input, 8/4/2 suite", "torch, tuned (2 threads)",
         best(lambda: [tuned_config(w_bf16.float(), b, m, False, scratch) for b, m in SUITE]), n, 2)


def notebook_file(npy):
    """The notebook's code as a whole process: load the file, int8 symmetric per tensor, every figure."""
    w = torch.from_numpy(np.load(npy))
    mse, max_err, rel, sqnr, cos = notebook_config(w, 8, "symmetric", False)
    print(json.dumps({"mse": mse.item(), "maxAbsErr": max_err.item(), "meanRelErrPct": rel.item(),
                      "sqnrDb": sqnr.item(), "cosine": cos.item()}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--notebook-file":
        notebook_file(sys.argv[2])
    else:
        main(sys.argv[1])
