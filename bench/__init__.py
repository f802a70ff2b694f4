"""Benchmarks that print their figures; `make bench` runs them all, `python -m bench.<name>` one."""
