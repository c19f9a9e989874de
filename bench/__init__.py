"""Benchmarks at scale (`make bench`): not tests. Each module measures one target of docs/performance.md and
returns rows for the table; `python -m bench` runs them all, prints the table and writes it as JSON."""
