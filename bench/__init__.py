"""Performance benchmarks for pixelz: ``python -m bench`` (see docs/performance.md).

Every figure is a ratio against a baseline measured in the same run on the same bytes, so
the goals hold on any machine. Benchmarks are not tests: nothing here asserts timings.
"""
