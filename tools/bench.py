#!/usr/bin/env python3
"""Benchmark harness of tebiki (`make bench`).

Input: the repository (sources of `tebiki` and of the `gen_corpus` example).
Output: a table on stdout, and `bench-out/results.json` + `bench-out/results.md`.

Steps: builds `tebiki` and `gen_corpus` in release once; generates the 300- and
1000-page corpora into `bench-out/` (regenerated only when the generator's
sources or arguments change), and a variant of the 1000-page one in which each
screenshot use is a file of its own (`tools/distinct_screenshots.py`: 226 MiB
of screenshots, as a handbook with a screenshot per step has); then runs each configuration RUNS times (after
one untimed warm-up run) and reports the median wall time, pages per second,
peak resident memory and output sizes. Then, for each corpus, the one-page-edit
latency of `tebiki watch` (region JP, PDF+EPUB and EPUB alone): the wall time
from appending a paragraph to one page to the watcher's `rebuilt in` line,
median of RUNS edits after one warm-up edit (with BASELINE, a second watcher
runs the baseline binary and the edits alternate between the two).

Peak memory is the child's `ru_maxrss` from `os.wait4` (Linux reports KiB):
the high-water mark of the tebiki process, all its threads included.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 1
IMAGES = 40
REGIONS = 3


@dataclass
class Config:
    """One benchmark configuration: a tebiki command line over a corpus."""

    name: str
    corpus: int
    args: list[str]
    regions: int
    formats: int
    page: str | None = None
    # Another site than corpus-<corpus> (a key of `sites`).
    site: str | None = None


@dataclass
class Result:
    """Measurements of one configuration."""

    config: Config
    times: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    pdf_bytes: list[int] = field(default_factory=list)
    epub_bytes: list[int] = field(default_factory=list)
    stderr_tail: str = ""

    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    def cpu_median(self) -> float:
        """Median CPU time (user + sys, all threads): what a loaded machine
        stretches least."""
        return statistics.median(self.cpu_s) if self.cpu_s else float("nan")


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def build(skip: bool) -> tuple[Path, Path]:
    """Release build of the binary and the generator (once)."""
    if not skip:
        cmd = ["cargo", "build", "--release", "--bin", "tebiki", "--example", "gen_corpus"]
        print("+ " + " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)
    release = target_dir() / "release"
    return release / "tebiki", release / "examples" / "gen_corpus"


def generator_digest() -> str:
    """Hash of the generator's sources: a change regenerates the corpora."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "examples" / "gen_corpus").rglob("*.rs")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def corpus(gen: Path, out: Path, pages: int) -> Path:
    """The cached corpus of `pages` pages, generated when missing or stale."""
    site = out / f"corpus-{pages}"
    stamp = out / f"corpus-{pages}.stamp"
    want = f"pages={pages} seed={SEED} images={IMAGES} gen={generator_digest()}"
    if site.is_dir() and stamp.is_file() and stamp.read_text() == want:
        return site
    cmd = [str(gen), "--pages", str(pages), "--seed", str(SEED), "--images", str(IMAGES), "--out", str(site)]
    print("+ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    stamp.write_text(want)
    return site


def distinct(base: Path, out: Path) -> Path:
    """The 1000-page corpus with a screenshot file of its own for each use
    (`tools/distinct_screenshots.py`: 1,856 files, 226 MiB), regenerated
    when the base corpus changes."""
    site = out / f"{base.name}-distinct"
    stamp = out / f"{base.name}-distinct.stamp"
    want = (out / f"{base.name}.stamp").read_text()
    if site.is_dir() and stamp.is_file() and stamp.read_text() == want:
        return site
    cmd = [sys.executable, str(ROOT / "tools" / "distinct_screenshots.py"), str(base), "--out", str(site)]
    print("+ " + " ".join(cmd), flush=True)
    if site.exists():
        shutil.rmtree(site)
    subprocess.run(cmd, check=True)
    stamp.write_text(want)
    return site


def first_page(site: Path) -> str:
    """A deterministic ordinary page of the corpus for the `--page` build."""
    content = site / "content"
    pages = sorted(p for p in content.rglob("*.md") if p.name != "_index.md")
    for page in pages:
        head = page.read_text(encoding="utf-8")[:300]
        if "enabled:" not in head and "disabled:" not in head:
            return page.relative_to(content).as_posix()
    raise SystemExit(f"bench: no ordinary page in {content}")


def dir_bytes(path: Path, suffix: str) -> int:
    return sum(p.stat().st_size for p in path.rglob(f"*{suffix}") if p.is_file())


def run_once(tebiki: Path, site: Path, out: Path, config: Config) -> tuple[float, int, int, str, float]:
    """One timed build: (seconds, peak RSS KiB, exit code, stderr tail, CPU
    seconds user + sys)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cmd = [str(tebiki), "build", "--site", str(site), "--out", str(out), *config.args]
    err_path = out.parent / (out.name + ".stderr")
    with open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = err_path.read_text(encoding="utf-8", errors="replace")[-600:]
    return elapsed, usage.ru_maxrss, proc.returncode, tail, usage.ru_utime + usage.ru_stime


def measure(
    tebiki: Path, sites: dict[int, Path], out: Path, config: Config, runs: int, baseline: Path | None = None
) -> tuple[Result, Result | None]:
    """RUNS timed runs of `tebiki` (after one warm-up); with a baseline
    binary, its runs alternate with ours (base, new, base, new, ...) so both
    see the same machine load."""
    result = Result(config)
    base = Result(config) if baseline else None
    site = sites[config.site or config.corpus]
    work = out / "runs" / config.name.replace(" ", "_").replace("×", "x")
    contenders = [(baseline, base), (tebiki, result)] if baseline and base else [(tebiki, result)]
    for i in range(runs + 1):
        for binary, into in contenders:
            elapsed, rss, code, tail, cpu = run_once(binary, site, work, config)
            if i == 0:
                continue  # warm-up: page cache, first-touch of the binary
            into.times.append(elapsed)
            into.rss_kib.append(rss)
            into.cpu_s.append(cpu)
            into.exit_codes.append(code)
            into.pdf_bytes.append(dir_bytes(work, ".pdf"))
            into.epub_bytes.append(dir_bytes(work, ".epub"))
            into.stderr_tail = tail
    line = f"  {config.name}: median {result.median():.3f} s, CPU {result.cpu_median():.2f} s"
    if base:
        line += (
            f" (baseline {base.median():.3f} s, ×{base.median() / result.median():.2f};"
            f" CPU {base.cpu_median():.2f} s, ×{base.cpu_median() / result.cpu_median():.2f})"
        )
    print(line, flush=True)
    return result, base


@dataclass
class Latency:
    """One-page-edit rebuild latency of `tebiki watch`, one region."""

    name: str
    corpus: int
    args: list[str]
    times: list[float] = field(default_factory=list)
    reported: list[float] = field(default_factory=list)
    checked: bool = False

    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def epub_contains(path: Path, text: str) -> bool:
    """Whether some XHTML document of the EPUB at `path` contains `text`."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return any(text in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xhtml"))
    except (OSError, zipfile.BadZipFile):
        return False


class Watcher:
    """A running `tebiki watch` on its own copy of a corpus, region JP."""

    def __init__(self, tebiki: Path, source: Path, work: Path, args: list[str], name: str) -> None:
        import queue
        import threading

        if work.exists():
            shutil.rmtree(work)
        site = work / "site"
        shutil.copytree(source, site)
        self.dist = work / "dist"
        self.page = site / "content" / first_page(site)
        self.name = name
        cmd = [str(tebiki), "watch", "--site", str(site), "--out", str(self.dist), "--region", "JP", *args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()

        def read() -> None:
            assert self.proc.stderr is not None
            for line in self.proc.stderr:
                self.lines.put((time.perf_counter(), line.rstrip("\n")))

        threading.Thread(target=read, daemon=True).start()

    def wait_for(self, prefix: str, bound: float) -> tuple[float, str]:
        import queue

        deadline = time.perf_counter() + bound
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or self.proc.poll() is not None:
                raise SystemExit(f"bench: {self.name}: no `{prefix}` line from tebiki watch")
            try:
                at, line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if line.startswith(prefix):
                return at, line

    def edit(self, marker: str) -> tuple[float, float | None]:
        """Appends a paragraph to the page; returns the seconds from the save
        to the `rebuilt in` line, and the build time the watcher reports."""
        time.sleep(0.5)
        start = time.perf_counter()
        with open(self.page, "a", encoding="utf-8") as f:
            f.write(f"\n\n{marker}\n")
        at, line = self.wait_for("rebuilt in ", 600)
        try:
            reported = float(line.split()[2])
        except (IndexError, ValueError):
            reported = None
        return at - start, reported

    def stop(self) -> None:
        import signal

        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def watch_latency(
    tebiki: Path, sites: dict[int, Path], out: Path, lat: Latency, runs: int, baseline: Path | None = None
) -> tuple[Latency, Latency | None]:
    """Starts `tebiki watch` on a copy of the corpus, then RUNS times (after
    one untimed warm-up edit) appends a paragraph to one page and measures the
    wall time from the save to the watcher's `rebuilt in` line, i.e. until
    every output of the region is written again. With a baseline binary, a
    second watcher runs it on its own copy, and the edits alternate between
    the two (base, new, base, new, ...), so both see the same machine load."""
    base = Latency(lat.name, lat.corpus, lat.args) if baseline else None
    slug = lat.name.replace(" ", "_").replace("+", "-")
    contenders: list[tuple[Watcher, Latency]] = []
    try:
        if baseline and base:
            contenders.append((Watcher(baseline, sites[lat.corpus], out / "watch" / (slug + "-base"), lat.args, lat.name), base))
            contenders[-1][0].wait_for("wrote ", 900)
        contenders.append((Watcher(tebiki, sites[lat.corpus], out / "watch" / slug, lat.args, lat.name), lat))
        contenders[-1][0].wait_for("wrote ", 900)
        marker = ""
        for i in range(runs + 1):
            marker = f"ベンチ追記{i}の段落です。"
            for watcher, into in contenders:
                took, reported = watcher.edit(marker)
                if i == 0:
                    continue  # warm-up
                into.times.append(took)
                if reported is not None:
                    into.reported.append(reported)
        for watcher, into in contenders:
            epubs = list(watcher.dist.glob("*-JP.epub"))
            into.checked = bool(epubs) and epub_contains(epubs[0], marker)
    finally:
        for watcher, _ in contenders:
            watcher.stop()
    line = f"  {lat.name}: median {lat.median():.3f} s"
    if base:
        line += f" (baseline {base.median():.3f} s, ×{base.median() / lat.median():.2f})"
    print(line, flush=True)
    return lat, base


def mib(n: float) -> str:
    return f"{n / (1024 * 1024):.1f}"


def supports(tebiki: Path, flag: str, *command: str) -> bool:
    """Whether `tebiki COMMAND` (default `build --help`) succeeds and mentions `flag`."""
    run = subprocess.run([str(tebiki), *(command or ("build", "--help"))], capture_output=True, text=True)
    return run.returncode == 0 and flag in run.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")))
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--skip-build", action="store_true", help="use the existing release binaries")
    parser.add_argument("--only", help="run only configurations whose name contains this text")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=os.environ.get("BASELINE") or None,
        help="another tebiki binary (e.g. a copy of main's release build) whose runs alternate with ours",
    )
    args = parser.parse_args()
    runs = max(1, args.runs)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    tebiki, gen = build(args.skip_build)
    sites: dict[int | str, Path] = {n: corpus(gen, out, n) for n in (300, 1000)}
    sites["1000-distinct"] = distinct(sites[1000], out)
    page = first_page(sites[300])
    quiet = ["--quiet"] if supports(tebiki, "--quiet") else []

    configs = [
        Config("300 × 3 regions × PDF+EPUB", 300, quiet, REGIONS, 2),
        Config("300 × 3 regions × PDF", 300, quiet + ["--format", "pdf"], REGIONS, 1),
        Config("300 × 3 regions × EPUB", 300, quiet + ["--format", "epub"], REGIONS, 1),
        Config("1000 × 3 regions × PDF+EPUB", 1000, quiet, REGIONS, 2),
        Config("1000, distinct screenshots × 3 regions × PDF+EPUB", 1000, quiet, REGIONS, 2, site="1000-distinct"),
        Config("--page, JP × PDF", 300, quiet + ["--page", page, "--region", "JP", "--format", "pdf"], 1, 1, page),
        Config("--page, 3 regions × PDF+EPUB", 300, quiet + ["--page", page], REGIONS, 2, page),
    ]
    if args.only:
        configs = [c for c in configs if args.only in c.name]

    latencies = [
        Latency("edit 1 page of 300, JP × PDF+EPUB", 300, []),
        Latency("edit 1 page of 300, JP × EPUB", 300, ["--format", "epub"]),
        Latency("edit 1 page of 1000, JP × PDF+EPUB", 1000, []),
        Latency("edit 1 page of 1000, JP × EPUB", 1000, ["--format", "epub"]),
    ]
    if args.only:
        latencies = [lat for lat in latencies if args.only in lat.name]
    if not supports(tebiki, "watch", "--help"):
        latencies = []

    print(f"bench: {runs} timed runs per configuration (+1 warm-up), {os.cpu_count()} CPUs", flush=True)
    if args.baseline:
        print(f"bench: baseline {args.baseline}, runs alternate with {tebiki}", flush=True)
    measured = [measure(tebiki, sites, out, c, runs, args.baseline) for c in configs]
    results = [r for r, _ in measured]
    baselines = {r.config.name: b for r, b in measured if b}
    print(f"bench: load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f} (1/5/15 min)")
    # A baseline from before `tebiki watch` (round 2) times builds only.
    watch_baseline = args.baseline if args.baseline and supports(Path(args.baseline), "watch", "--help") else None
    watched = [watch_latency(tebiki, sites, out, lat, runs, watch_baseline) for lat in latencies]
    latencies = [lat for lat, _ in watched]
    latency_baselines = {lat.name: b for lat, b in watched if b}

    screenshots = dir_bytes(sites[300] / "static", "")
    fonts = sum(p.stat().st_size for p in (ROOT / "fonts").iterdir() if p.suffix in {".ttf", ".otf", ".ttc"})
    rows = []
    for r in results:
        c = r.config
        pages = 1 if c.page else c.corpus
        med = r.median()
        rows.append(
            {
                "configuration": c.name,
                "runs": len(r.times),
                "median_s": round(med, 3),
                "min_s": round(min(r.times), 3),
                "max_s": round(max(r.times), 3),
                "pages_per_s": round(pages / med, 1),
                "page_outputs_per_s": round(pages * c.regions * c.formats / med, 1),
                "cpu_s_median": round(r.cpu_median(), 3),
                "peak_rss_mib_median": round(statistics.median(r.rss_kib) / 1024, 1),
                "peak_rss_mib_max": round(max(r.rss_kib) / 1024, 1),
                "pdf_bytes": r.pdf_bytes[-1],
                "epub_bytes": r.epub_bytes[-1],
                "exit_codes": sorted(set(r.exit_codes)),
                "stderr_tail": r.stderr_tail if any(r.exit_codes) else "",
            }
        )

    ratio = None
    by_name = {r.config.name: r for r in results}
    small = by_name.get(configs[0].name) if configs else None
    large = by_name.get("1000 × 3 regions × PDF+EPUB")
    if small and large and small is not large:
        ratio = large.median() / small.median()

    header = "| configuration | median s | min–max s | pages/s | page·outputs/s | peak RSS MiB | PDF MiB | EPUB MiB | exit |"
    lines = [header, "|" + "---|" * 9]
    for row in rows:
        lines.append(
            f"| {row['configuration']} | {row['median_s']:.3f} | {row['min_s']:.3f}–{row['max_s']:.3f} "
            f"| {row['pages_per_s']} | {row['page_outputs_per_s']} | {row['peak_rss_mib_median']} "
            f"(max {row['peak_rss_mib_max']}) | {mib(row['pdf_bytes'])} | {mib(row['epub_bytes'])} "
            f"| {','.join(map(str, row['exit_codes']))} |"
        )
    if latencies:
        lines.append("")
        lines.append("| one-page edit under `tebiki watch` | median s (save → outputs written) | min–max s | build alone, median s | edit in output |")
        lines.append("|" + "---|" * 5)
        for lat in latencies:
            built = statistics.median(lat.reported) if lat.reported else float("nan")
            lines.append(
                f"| {lat.name} | {lat.median():.3f} | {min(lat.times):.3f}–{max(lat.times):.3f} "
                f"| {built:.3f} | {'yes' if lat.checked else 'NO'} |"
            )
        if latency_baselines:
            lines.append("")
            lines.append("| one-page edit under `tebiki watch` | baseline median s | new median s | speed-up (baseline / new) | baseline edit in output |")
            lines.append("|" + "---|" * 5)
            for lat in latencies:
                b = latency_baselines.get(lat.name)
                if b:
                    lines.append(
                        f"| {lat.name} | {b.median():.3f} | {lat.median():.3f} | ×{b.median() / lat.median():.2f} "
                        f"| {'yes' if b.checked else 'NO'} |"
                    )
    lines.append("")
    if ratio is not None:
        lines.append(f"time(1000) / time(300), 3 regions × PDF+EPUB: {ratio:.2f} (linear would be 3.33; target ≤ 3.4)")
    if baselines:
        lines.append("")
        lines.append(
            "| configuration | baseline median s | baseline peak RSS MiB | speed-up (baseline / new) "
            "| CPU s user+sys, baseline → new | CPU speed-up |"
        )
        lines.append("|" + "---|" * 6)
        for r in results:
            b = baselines.get(r.config.name)
            if b:
                lines.append(
                    f"| {r.config.name} | {b.median():.3f} | {statistics.median(b.rss_kib) / 1024:.1f} "
                    f"| ×{b.median() / r.median():.2f} | {b.cpu_median():.2f} → {r.cpu_median():.2f} "
                    f"| ×{b.cpu_median() / r.cpu_median():.2f} |"
                )
    lines.append(f"load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")
    lines.append(
        f"corpus-300 screenshots {mib(screenshots)} MiB + fonts {mib(fonts)} MiB = {mib(screenshots + fonts)} MiB "
        f"(compare with one region's PDF: total PDF bytes of the first row / {REGIONS})"
    )
    table = "\n".join(lines)
    print()
    print(table)
    for row in rows:
        if row["stderr_tail"]:
            print(f"\n{row['configuration']}: non-zero exit; end of its output:\n{row['stderr_tail']}")

    (out / "results.md").write_text(table + "\n", encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps(
            {
                "runs": runs,
                "cpus": os.cpu_count(),
                "rows": rows,
                "ratio_1000_300": ratio,
                "screenshots_bytes_300": screenshots,
                "fonts_bytes": fonts,
                "page": page,
                "edit_latency": [
                    {
                        "configuration": lat.name,
                        "median_s": round(lat.median(), 3),
                        "times_s": [round(t, 3) for t in lat.times],
                        "build_s": [round(t, 3) for t in lat.reported],
                        "edit_in_output": lat.checked,
                    }
                    for lat in latencies
                ],
                "baseline": str(args.baseline) if args.baseline else None,
                "baseline_median_s": {name: round(b.median(), 3) for name, b in baselines.items()},
                "baseline_edit_latency_median_s": {name: round(b.median(), 3) for name, b in latency_baselines.items()},
                "load_average": os.getloadavg(),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 1 if any(any(r.exit_codes) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
