# --- bench (owned by the benchmark work) ---
# `make bench`: release build, cached corpora in bench-out/, table of medians.
# RUNS=n changes the number of timed runs per configuration (default 5).
RUNS ?= 5
.PHONY: bench
bench:
	RUNS=$(RUNS) python3 tools/bench.py
# --- end bench ---
