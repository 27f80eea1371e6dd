#!/usr/bin/env python3
"""Tests of report.py's arithmetic on hand-made JMH results: python3 kernels-ternary/src/bench/test_report.py"""
import contextlib
import io
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402


def gemv(shape, kernel, times_us, probes_gbps=None, threads=2):
    """A GemvBench result as JMH writes it: one fork, one raw value per iteration."""
    r = {"benchmark": "dev.ternary.kernels.bench.GemvBench.gemv",
         "params": {"shape": shape, "kernel": kernel, "threads": str(threads)},
         "primaryMetric": {"score": sum(times_us) / len(times_us), "scoreError": 1.0, "scoreUnit": "us/op",
                           "rawData": [times_us]}}
    if probes_gbps is not None:
        r["secondaryMetrics"] = {"probeGBps": {"score": sum(probes_gbps), "scoreUnit": "#",
                                               "rawData": [probes_gbps]}}
    return r


def sampled(bench, shape, kernel, iterations, probes_gbps=None, threads=2, tokens=None):
    """A sample-time result: per iteration a histogram of [time µs, count], percentiles over all samples."""
    samples = sorted(v for it in iterations for v, n in it for _ in range(n))
    params = {"shape": shape, "kernel": kernel, "threads": str(threads)}
    if tokens is not None:
        params["tokens"] = str(tokens)
    r = {"benchmark": f"dev.ternary.kernels.bench.{bench}", "params": params,
         "primaryMetric": {"score": sum(samples) / len(samples), "scoreError": 1.0, "scoreUnit": "us/op",
                           "scorePercentiles": {"0.0": samples[0], "50.0": samples[len(samples) // 2]},
                           "rawDataHistogram": [iterations]}}
    if probes_gbps is not None:
        r["secondaryMetrics"] = {"probeGBps": {"score": sum(probes_gbps), "scoreUnit": "#",
                                               "rawData": [probes_gbps]}}
    return r


def bandwidth(ms, threads=2):
    return {"benchmark": "dev.ternary.kernels.bench.BandwidthBench.streamSum", "params": {"threads": str(threads)},
            "primaryMetric": {"score": ms, "scoreError": 0.1, "scoreUnit": "ms/op", "rawData": [[ms]]}}


class ProbeSharesTest(unittest.TestCase):
    def test_each_iteration_is_divided_by_its_own_probe(self):
        # 4 MiB in 100 µs is 41.9 GB/s: 50% of an 83.9 GB/s probe, 100% of a 41.9 GB/s one
        r = gemv("2048x8192", "bitplane", [100.0, 100.0], [83.886, 41.943])
        shares = report.probe_shares(r, 4 << 20)
        self.assertAlmostEqual(shares[0][0], 0.5, places=3)
        self.assertAlmostEqual(shares[1][0], 1.0, places=3)
        self.assertEqual([g for _, g in shares], [83.886, 41.943])

    def test_results_without_a_probe_have_no_shares(self):
        self.assertEqual(report.probe_shares(gemv("2048x8192", "bitplane", [100.0]), 4 << 20), [])


class SampleTimeTest(unittest.TestCase):
    def test_probe_shares_use_each_iterations_histogram_mean(self):
        # iteration means (50 + 150) / 2 = 100 µs and 200 µs: 4 MiB at 41.9 GB/s, then half of it
        r = sampled("GemvBench.gemv", "2048x8192", "bitplane", [[[50.0, 1], [150.0, 1]], [[200.0, 2]]],
                    [41.943, 41.943])
        shares = report.probe_shares(r, 4 << 20)
        self.assertAlmostEqual(shares[0][0], 1.0, places=3)
        self.assertAlmostEqual(shares[1][0], 0.5, places=3)

    def test_timing_is_mean_error_median_fastest(self):
        r = sampled("GemvBench.gemv", "8192x2048", "lut2", [[[200.0, 3], [1000.0, 1]]])
        self.assertEqual(report.timing(r), (400.0, 1.0, 200.0, 200.0))

    def test_average_time_results_have_no_median(self):
        mean, _, median, fastest = report.timing(gemv("8192x2048", "lut2", [300.0]))
        self.assertEqual(mean, 300.0)
        self.assertTrue(math.isnan(median) and math.isnan(fastest))


class SameBandwidthTest(unittest.TestCase):
    def test_probes_more_than_15_percent_apart_are_not_the_same(self):
        probed = {"a": [(0.8, 40.0)], "b": [(0.5, 75.0)], "c": [(0.7, 45.0)]}
        self.assertFalse(report.same_bandwidth(probed, "a", "b"))
        self.assertTrue(report.same_bandwidth(probed, "a", "c"))
        self.assertTrue(report.same_bandwidth(probed, "a", "missing"))


class TablesTest(unittest.TestCase):
    def render(self, results):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            report.main_results(results)
        return out.getvalue()

    def test_gemv_row_shows_bandwidth_share_and_probe_share(self):
        # bit-plane 2048x8192 is 4 MiB: in 100 µs, 41.9 GB/s, which is 50% of 1 GiB in 12.8 ms (83.9 GB/s)
        text = self.render([bandwidth(12.8), gemv("2048x8192", "bitplane", [100.0, 100.0], [52.4, 52.4])])
        row = next(line for line in text.splitlines() if line.startswith("| 2048x8192 | bitplane"))
        self.assertIn("| 41.94 / – | 50% / – | 80% (52–52) |", row)

    def test_medians_give_their_own_speed_up_and_gemm_ratio(self):
        # a burst of stolen time (one 5,000 µs sample) drags lut2's mean to 1,400 µs; its median stays 250
        results = [bandwidth(12.8),
                   sampled("GemvBench.gemv", "8192x2048", "lut2", [[[250.0, 3], [5000.0, 1]]]),
                   sampled("GemvBench.gemv", "8192x2048", "bf16", [[[1500.0, 4]]]),
                   sampled("GemmBench.gemm", "8192x2048", "lut2", [[[8000.0, 3]]], tokens=64)]
        text = self.render(results)
        row = next(line for line in text.splitlines() if line.startswith("| 8192x2048 | lut2 | 2 | 1438"))
        # 4 MiB in 250 µs: 16.78 GB/s, 20% of 83.9 GB/s; bf16 1,500 against 250: 6.00x
        self.assertIn("| 250 | 250 | 2.92 / 16.78 | 3% / 20% | – | 1.04 / 6.00 |", row)
        gemm = next(line for line in text.splitlines() if line.startswith("| 8192x2048 | lut2 | 2 | 64"))
        # 8,000 µs / 64 = 125 µs per token; 250 / 125 = 2.00 by medians
        self.assertIn("| 8000 / 8000 | 125.0 / 125.0 | 1438 / 250 | 11.50 / 2.00 |", gemm)

    def test_ratio_across_bandwidth_modes_is_flagged(self):
        text = self.render([gemv("8192x2048", "bitplane", [100.0], [75.0]),
                            gemv("8192x2048", "bitslice", [120.0], [41.0]),
                            gemv("2560x6912", "bitplane", [130.0], [42.0]),
                            gemv("2560x6912", "bitslice", [120.0], [44.0])])
        self.assertIn("bitslice 8192x2048 2 threads: 1.20x against bitplane", text)
        flagged = next(line for line in text.splitlines() if line.startswith("Of these"))
        self.assertIn("bitslice 8192x2048 2 threads (probe 41 against 75 GB/s)", flagged)
        self.assertNotIn("2560x6912", flagged)

    def test_one_point_six_bit_ratio_is_against_the_faster_two_bit_kernel(self):
        # an AVX2 machine: the lookup kernel is the fast 2-bit one, the popcount one is slow
        text = self.render([gemv("8192x2048", "bitplane", [460.0]), gemv("8192x2048", "lut2", [320.0]),
                            gemv("8192x2048", "base3", [440.0])])
        self.assertIn("base3 8192x2048 2 threads: 1.38x against lut2", text)


if __name__ == "__main__":
    unittest.main()
