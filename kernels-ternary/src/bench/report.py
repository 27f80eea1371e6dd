#!/usr/bin/env python3
"""Turns the JMH JSON results of the kernels-ternary suite into the markdown tables of docs/BENCHMARKS.md.

Usage: python3 kernels-ternary/src/bench/report.py RESULT.json [MORE.json ...] > tables.md
Weight bytes per matrix are recomputed from the shape and the format's padding (see TernaryFormat/DenseFormat).
GEMV results carry the bandwidth MachineProbe measured on the same matrices before each iteration; the share of
it ("% of probe") is per iteration, so it holds when the machine's bandwidth changes between forks.
GemvBench and GemmBench run in JMH's sample-time mode, so besides the mean the tables give the median and the fastest
operation: on a shared VM, bursts of stolen time inflate the mean of a whole iteration, and the median is what an
operation typically took (docs/BENCHMARKS.md, session 18). Average-time results (older runs, Nd4jBench) show only
the mean.
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


def iteration_means(result):
    """Per fork, the mean time of each measured iteration: JMH's raw data, or the means of sample-time histograms."""
    pm = result["primaryMetric"]
    if "rawData" in pm:
        return pm["rawData"]
    return [[sum(v * n for v, n in it) / sum(n for _, n in it) for it in fork] for fork in pm["rawDataHistogram"]]


def timing(result):
    """(mean, error, median, fastest) of one result; median and fastest are NaN without sample-time percentiles."""
    pm = result["primaryMetric"]
    pct = pm.get("scorePercentiles", {}) if "rawDataHistogram" in pm else {}
    nan = float("nan")
    return (pm["score"], pm.get("scoreError", nan), pct.get("50.0", nan), pct.get("0.0", nan))


def fmt(x, digits=0):
    return "–" if math.isnan(x) else f"{x:.{digits}f}"


def percent(fraction):
    return "–" if math.isnan(fraction) else f"{100 * fraction:.0f}%"


def probe_shares(result, bytes_per_op):
    """Per measured iteration: (kernel GB/s / probe GB/s, probe GB/s); empty for results without the probe."""
    probe = result.get("secondaryMetrics", {}).get("probeGBps")
    if not probe:
        return []
    unit = result["primaryMetric"]["scoreUnit"]
    scale = {"us/op": 1e-6, "ms/op": 1e-3, "ns/op": 1e-9}[unit]
    out = []
    for times, gbps in zip(iteration_means(result), probe["rawData"]):
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
        unit = r["primaryMetric"]["scoreUnit"]
        if name == "BandwidthBench":
            ms = score if unit == "ms/op" else score / 1000
            bw.setdefault(int(p["threads"]), []).append((1 << 30) / (ms / 1000) / 1e9)
        elif name == "GemvBench":
            key = (p["shape"], p["kernel"], int(p["threads"]))
            rows, cols = map(int, p["shape"].split("x"))
            gemv[key] = timing(r)
            shares = probe_shares(r, weight_bytes(p["kernel"], rows, cols))
            if shares:
                probed[key] = shares
        elif name == "GemmBench":
            gemm[(p["shape"], p["kernel"], int(p["threads"]), int(p["tokens"]))] = timing(r)
        elif name == "Nd4jBench":
            if p["tokens"] == "1":
                gemv[(p["shape"], "nd4j", int(p["threads"]))] = timing(r)
            else:
                gemm[(p["shape"], "nd4j", int(p["threads"]), int(p["tokens"]))] = timing(r)
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
    print("Time per matrix (µs: mean ± 99.9% CI, median and fastest operation), weight bytes streamed per second "
          "and fraction of the measured bandwidth at the same thread count (from the mean / the median), median share "
          "of what a streaming sum read from the same matrices just before each iteration (\"% of probe\", from "
          "iteration means, with the probe's range in GB/s), speed-up over our bf16 GEMV (means / medians), and "
          "equivalent tokens/s of a 2 B-weight model in that format (from the mean).\n")
    print("| shape | kernel | threads | µs/op | median | fastest | weight GB/s | % of bandwidth | % of probe (probe GB/s) "
          "| × vs bf16 | equiv. tok/s (2B) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in shapes:
        rows, cols = map(int, s.split("x"))
        for t in (1, 2):
            for k in kernels:
                if (s, k, t) not in gemv:
                    continue
                us, err, med, fast = gemv[(s, k, t)]
                nbytes = weight_bytes(k, rows, cols)
                gbs, gbs_med = nbytes / (us * 1e-6) / 1e9, nbytes / (med * 1e-6) / 1e9
                bw_t = bwmax.get(t, float("nan"))
                bf16 = gemv.get((s, "bf16", t), (float("nan"),) * 4)
                tok = gbs * 1e9 / (MODEL_PARAMS * BYTES_PER_WEIGHT[k])
                e = "" if math.isnan(err) else f" ± {err:.0f}"
                pr = probed.get((s, k, t))
                share = (f"{100 * statistics.median(x for x, _ in pr):.0f}% ({min(g for _, g in pr):.0f}–"
                         f"{max(g for _, g in pr):.0f})") if pr else "–"
                print(f"| {s} | {k} | {t} | {us:.0f}{e} | {fmt(med)} | {fmt(fast)} | {gbs:.2f} / {fmt(gbs_med, 2)} "
                      f"| {percent(gbs / bw_t)} / {percent(gbs_med / bw_t)} | {share} "
                      f"| {fmt(bf16[0] / us, 2)} / {fmt(bf16[2] / med, 2)} | {tok:.1f} |")
    print()
    # the 2-bit reference is whichever 2-bit kernel ran faster there: bit-plane with AVX-512 popcounts, lookups on AVX2
    ref = {}
    for (s, k, t), (us, *_) in gemv.items():
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
        print("Means, then medians where the results have them (sample-time mode).\n")
        print("| shape | kernel | threads | tokens | µs/op | µs/token | GEMV µs | GEMV / (GEMM per token) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for (s, k, t, n), (us, _, med, _) in sorted(gemm.items(), key=lambda kv: (order.index(kv[0][0]), kernels.index(kv[0][1]), kv[0][2])):
            g, _, g_med, _ = gemv.get((s, k, t), (float("nan"),) * 4)
            print(f"| {s} | {k} | {t} | {n} | {us:.0f} / {fmt(med)} | {us / n:.1f} / {fmt(med / n, 1)} "
                  f"| {fmt(g)} / {fmt(g_med)} | {fmt(g / (us / n), 2)} / {fmt(g_med / (med / n), 2)} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
