#!/usr/bin/env python3
"""Turns the JMH JSON results of the kernels-ternary suite into the markdown tables of docs/BENCHMARKS.md.

Usage: python3 kernels-ternary/src/bench/report.py RESULT.json [MORE.json ...] > tables.md
Weight bytes per matrix are recomputed from the shape and the format's padding (see TernaryFormat/DenseFormat).
GEMV results carry the bandwidth MachineProbe measured on the same matrices before each iteration; the share of
it ("% of probe") is per iteration, so it holds when the machine's bandwidth changes between forks.
"""
import json
import math
import statistics
import sys

MODEL_PARAMS = 2e9  # "equivalent tokens/s": a model with 2 B linear weights all streamed at this rate


def ceil_to(n, m):
    return (n + m - 1) // m * m


def weight_bytes(kernel, rows, cols):
    if kernel == "lut2":
        return ceil_to(rows, 16) * ceil_to(cols, 32) // 4
    if kernel == "base3":
        return rows * ceil_to(cols, 320) // 5
    if kernel == "bitplane":
        return rows * ceil_to(cols, 512) // 4
    if kernel == "bitslice":
        return rows * ceil_to(cols, 320) // 5 + 64
    return rows * cols * {"bf16": 2, "f32": 4, "q8": 1, "nd4j": 4}[kernel]


BYTES_PER_WEIGHT = {"bitplane": 0.25, "lut2": 0.25, "base3": 0.2, "bitslice": 0.2, "bf16": 2, "f32": 4, "q8": 1, "nd4j": 4}


def probe_shares(result, bytes_per_op):
    """Per measured iteration: (kernel GB/s / probe GB/s, probe GB/s); empty for results without the probe."""
    probe = result.get("secondaryMetrics", {}).get("probeGBps")
    if not probe:
        return []
    unit = result["primaryMetric"]["scoreUnit"]
    scale = {"us/op": 1e-6, "ms/op": 1e-3, "ns/op": 1e-9}[unit]
    out = []
    for times, gbps in zip(result["primaryMetric"]["rawData"], probe["rawData"]):
        for t, g in zip(times, gbps):
            if g > 0:
                out.append((bytes_per_op / (t * scale) / 1e9 / g, g))
    return out


def median_probe(shares):
    return statistics.median(g for _, g in shares)


def same_bandwidth(probed, a, b):
    """Whether both results were probed (and within 15% of each other): only then is their time ratio the kernels'."""
    if a not in probed or b not in probed:
        return True
    pa, pb = median_probe(probed[a]), median_probe(probed[b])
    return max(pa, pb) <= 1.15 * min(pa, pb)


def load(paths):
    out = []
    for p in paths:
        with open(p) as f:
            out.extend(json.load(f))
    return out


def main(paths):
    main_results(load(paths))


def main_results(results):
    bw = {}
    gemv = {}
    gemm = {}
    probed = {}
    for r in results:
        name = r["benchmark"].rsplit(".", 2)[-2]
        p = r["params"] if "params" in r else {}
        score = r["primaryMetric"]["score"]
        err = r["primaryMetric"].get("scoreError", float("nan"))
        unit = r["primaryMetric"]["scoreUnit"]
        if name == "BandwidthBench":
            ms = score if unit == "ms/op" else score / 1000
            bw.setdefault(int(p["threads"]), []).append((1 << 30) / (ms / 1000) / 1e9)
        elif name == "GemvBench":
            key = (p["shape"], p["kernel"], int(p["threads"]))
            rows, cols = map(int, p["shape"].split("x"))
            gemv[key] = (score, err)
            shares = probe_shares(r, weight_bytes(p["kernel"], rows, cols))
            if shares:
                probed[key] = shares
        elif name == "GemmBench":
            gemm[(p["shape"], p["kernel"], int(p["threads"]), int(p["tokens"]))] = (score, err)
        elif name == "Nd4jBench":
            if p["tokens"] == "1":
                gemv[(p["shape"], "nd4j", int(p["threads"]))] = (score, err)
            else:
                gemm[(p["shape"], "nd4j", int(p["threads"]), int(p["tokens"]))] = (score, err)
    bwmax = {t: max(v) for t, v in bw.items()}
    print("### Memory read bandwidth (streaming vector sum over 1 GiB)\n")
    print("| threads | GB/s (each run) | used as 100% |")
    print("|---:|---|---:|")
    for t in sorted(bw):
        print(f"| {t} | {', '.join(f'{v:.1f}' for v in bw[t])} | {bwmax[t]:.1f} |")
    print()
    shapes = []
    for (s, k, t) in gemv:
        if s not in shapes:
            shapes.append(s)
    order = ["2048x2048", "8192x2048", "2048x8192", "2560x6912", "6912x2560", "128256x2048"]
    shapes.sort(key=lambda s: order.index(s) if s in order else 99)
    kernels = ["bitplane", "lut2", "bitslice", "base3", "q8", "bf16", "f32", "nd4j"]
    print("### GEMV (batch 1), cycling over >= 512 MiB of weights\n")
    print("Time per matrix (µs, ± 99.9% CI), weight bytes streamed per second, fraction of the measured bandwidth at "
          "the same thread count, median share of what a streaming sum read from the same matrices just before each "
          "iteration (\"% of probe\", with the probe's range in GB/s), speed-up over our bf16 GEMV, and equivalent "
          "tokens/s of a 2 B-weight model in that format.\n")
    print("| shape | kernel | threads | µs/op | weight GB/s | % of bandwidth | % of probe (probe GB/s) | × vs bf16 "
          "| equiv. tok/s (2B) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in shapes:
        rows, cols = map(int, s.split("x"))
        for t in (1, 2):
            for k in kernels:
                if (s, k, t) not in gemv:
                    continue
                us, err = gemv[(s, k, t)]
                gbs = weight_bytes(k, rows, cols) / (us * 1e-6) / 1e9
                frac = 100 * gbs / bwmax[t] if t in bwmax else float("nan")
                vs = gemv[(s, "bf16", t)][0] / us if (s, "bf16", t) in gemv else float("nan")
                tok = gbs * 1e9 / (MODEL_PARAMS * BYTES_PER_WEIGHT[k])
                e = "" if math.isnan(err) else f" ± {err:.0f}"
                pr = probed.get((s, k, t))
                share = (f"{100 * statistics.median(x for x, _ in pr):.0f}% ({min(g for _, g in pr):.0f}–"
                         f"{max(g for _, g in pr):.0f})") if pr else "–"
                pct = "–" if math.isnan(frac) else f"{frac:.0f}%"
                print(f"| {s} | {k} | {t} | {us:.0f}{e} | {gbs:.2f} | {pct} | {share} | {vs:.2f} | {tok:.1f} |")
    print()
    # the 2-bit reference is whichever 2-bit kernel ran faster there: bit-plane with AVX-512 popcounts, lookups on AVX2
    ref = {}
    for (s, k, t), (us, _) in gemv.items():
        if k in ("bitplane", "lut2") and ((s, t) not in ref or us < gemv[(s, ref[(s, t)], t)][0]):
            ref[(s, t)] = k
    ratios = [(s, k, t, gemv[(s, k, t)][0] / gemv[(s, ref[(s, t)], t)][0]) for (s, k, t) in gemv
              if k in ("base3", "bitslice") and (s, t) in ref]
    if ratios:
        print("1.6-bit formats, time against the faster 2-bit GEMV (target: at most 1.5x): "
              + "; ".join(f"{k} {s} {t} thread{'s' if t > 1 else ''}: {r:.2f}x against {ref[(s, t)]}"
                          for s, k, t, r in sorted(ratios))
              + "\n")
    flagged = [(s, k, t, r) for s, k, t, r in sorted(ratios)
               if not same_bandwidth(probed, (s, k, t), (s, ref[(s, t)], t))]
    if flagged:
        print("Of these, timed while the probed bandwidth differed by more than 15% (a ratio across the machine's "
              "bandwidth modes, not of the kernels alone): "
              + "; ".join(f"{k} {s} {t} thread{'s' if t > 1 else ''} (probe {median_probe(probed[(s, k, t)]):.0f} "
                          f"against {median_probe(probed[(s, ref[(s, t)], t)]):.0f} GB/s)" for s, k, t, r in flagged)
              + "\n")
    if gemm:
        print("### GEMM (prefill block), per token vs one GEMV\n")
        print("| shape | kernel | threads | tokens | µs/op | µs/token | GEMV µs | GEMV / (GEMM per token) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for (s, k, t, n), (us, err) in sorted(gemm.items(), key=lambda kv: (order.index(kv[0][0]), kernels.index(kv[0][1]), kv[0][2])):
            per = us / n
            g = gemv.get((s, k, t), (float("nan"),))[0]
            print(f"| {s} | {k} | {t} | {n} | {us:.0f} | {per:.1f} | {g:.0f} | {g / per:.2f} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
