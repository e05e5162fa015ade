"""Benchmarks only (`make bench`): production settings plus the baseline view in bench/urls.py."""

from .prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The prebuilt page the baseline view returns; the benchmark writes it before measuring.
BENCH_BASELINE_FILE = env.str("BENCH_BASELINE_FILE", default="")  # noqa: F405
