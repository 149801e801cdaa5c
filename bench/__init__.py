"""Performance benchmarks for pixelz (issue 7): ``python -m bench``.

Every figure is a ratio against a baseline measured in the same run on the same bytes, so
the goals hold on any machine. Benchmarks are not tests: nothing here asserts timings.
"""
