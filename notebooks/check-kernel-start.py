#!/usr/bin/python3
"""Starts the "ternary-java" kernel many times and fails if any start does not answer kernel_info in time.

A regression check for the start-up race KernelLauncher.java works around: without it about one start in eight
hung for good, so 20 starts catch its return with a probability of about 0.93. A healthy start takes ~2 s.
Usage: check-kernel-start.py [STARTS] [TIMEOUT_SECONDS]
"""
import os
import subprocess
import sys
import time

try:
    from jupyter_client.manager import KernelManager
except ImportError:
    sys.exit("check-kernel-start: error: jupyter_client not found; install jupyter (see README.md)")

starts = int(sys.argv[1]) if len(sys.argv) > 1 else 20
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
log_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "target", "kernel-start.log")
os.makedirs(os.path.dirname(log_path), exist_ok=True)
log = open(log_path, "w")
slowest = 0.0
for i in range(starts):
    manager = KernelManager(kernel_name="ternary-java")
    manager.start_kernel(stdout=log, stderr=subprocess.STDOUT)
    client = manager.client()
    client.start_channels()
    began = time.time()
    try:
        client.wait_for_ready(timeout=timeout)
    except RuntimeError as e:
        sys.exit(f"check-kernel-start: error: start {i + 1} of {starts} did not answer in {timeout:.0f} s ({e}); "
                 f"kernel log: {log_path}; see notebooks/launcher/dev/ternary/notebooks/KernelLauncher.java")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        del client, manager
    slowest = max(slowest, time.time() - began)
log.close()
with open(log_path) as f:
    absorbed = sum("Unhandled message" in line for line in f)
print(f"check-kernel-start: {starts} kernel starts answered, slowest in {slowest:.1f} s "
      f"({absorbed} early requests dropped and repeated)", file=sys.stderr)
