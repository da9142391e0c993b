"""Demo data: a living marketplace for `make run` and for benchmarks."""
