#!/usr/bin/env python3
"""Tests of report.py's arithmetic on hand-made JMH results: python3 kernels-ternary/src/bench/test_report.py"""
import contextlib
import io
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
        self.assertIn("| 41.94 | 50% | 80% (52–52) |", row)

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
