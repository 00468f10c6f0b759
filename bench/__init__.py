"""Benchmarks (not part of the test suite). `python -m bench [--quick]` runs the speed and
scale benchmark; see docs/performance.md."""
