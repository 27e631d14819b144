# tebiki: common tasks. `make test` is what CI runs (see .ci/run).

CARGO ?= cargo
DIST ?= dist
EPUBCHECK_JAR ?= /usr/share/java/epubcheck.jar

.PHONY: all build sample test bench lint validate clean

all: build

## build: the release binary (target/release/tebiki)
build:
	$(CARGO) build --release

## sample: the bundled sample handbook, every region and format, into $(DIST)/
sample:
	$(CARGO) run --release -- build --site . --out $(DIST)

## test: every test, including tests/it/sample.rs, which builds the sample and
## runs epubcheck, qpdf and poppler's tools on it (skipped when missing,
## failing when CI is set)
## (doc tests first, so the run closes on the suites' counts)
test:
	$(CARGO) test --doc
	$(CARGO) test --all-targets --no-fail-fast

## bench: release build, generated corpora cached in bench-out/, table of
## medians (wall time, pages/s, peak memory, sizes). RUNS=n timed runs each;
## BASELINE=path/to/old/tebiki alternates its runs with ours (speed-up column).
RUNS ?= 5
BASELINE ?=
bench:
	RUNS=$(RUNS) BASELINE=$(BASELINE) python3 tools/bench.py

## lint: formatting and clippy with warnings as errors
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

## validate: the real validators on whatever is in $(DIST)/ (run `make sample` first)
validate:
	@set -e; \
	found=0; \
	for f in $(DIST)/*.epub; do \
	  [ -e "$$f" ] || continue; found=1; \
	  echo "epubcheck $$f"; \
	  report=$$(java -jar $(EPUBCHECK_JAR) "$$f" 2>&1) || true; echo "$$report"; \
	  echo "$$report" | grep -q '^Messages: 0 fatals / 0 errors / 0 warnings' \
	    || { echo "$$f: epubcheck must report 0 errors and 0 warnings" >&2; exit 1; }; \
	done; \
	for f in $(DIST)/*.pdf; do \
	  [ -e "$$f" ] || continue; found=1; \
	  echo "qpdf --check $$f"; qpdf --check "$$f" >/dev/null; \
	  echo "pdffonts $$f"; pdffonts "$$f"; \
	  if pdffonts "$$f" | awk 'NR > 2 && ($$(NF-4) != "yes" || $$(NF-3) != "yes" || $$(NF-2) != "yes") { bad = 1 } END { exit !bad }'; then \
	    echo "$$f: a font is not embedded, subset and with ToUnicode" >&2; exit 1; \
	  fi; \
	done; \
	if [ "$$found" = 0 ]; then echo "nothing in $(DIST)/: run make sample first" >&2; exit 1; fi; \
	echo "validate: all outputs in $(DIST)/ passed"

clean:
	rm -rf $(DIST)
