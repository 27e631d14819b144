#!/usr/bin/python3
"""Measures the coverage of the bundled fonts (fonts/README.md's table).

Run from the repository root with Debian's python3, python3-fonttools and
poppler-data installed:

    /usr/bin/python3 tools/fonts/coverage.py

For each character set of charsets.py it prints how many characters it
has, how many the body face (BIZ UDPGothic Regular) maps, how many the
whole bundled chain maps (body, bold, monospace and the two fallbacks), and
the characters no bundled font has (the gap), as a Markdown table.
"""

import os
import sys

from fontTools.ttLib import TTFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from charsets import adobe_japan1_7, business_extras, jis_x_0213  # noqa: E402

BODY = "fonts/BIZUDPGothic-Regular.ttf"
CHAIN = [
    BODY,
    "fonts/BIZUDPGothic-Bold.ttf",
    "fonts/BIZUDGothic-Regular.ttf",
    "fonts/TebikiFallbackJP-Regular.otf",
    "fonts/TebikiSymbols-Regular.ttf",
]


def cmap(path):
    return set(TTFont(path, lazy=True).getBestCmap().keys())


def main():
    body = cmap(BODY)
    chain = set()
    for path in CHAIN:
        chain |= cmap(path)
    jis, sequences = jis_x_0213()
    sets = [
        ("JIS X 0213:2004 (single characters)", jis),
        ("Adobe-Japan1-7 (Unicode-mapped)", adobe_japan1_7()),
        ("Business symbol blocks", business_extras()),
    ]
    print("| Character set | Characters | BIZ UDPGothic alone | Bundled chain | Gap |")
    print("|---|---:|---:|---:|---:|")
    for name, chars in sets:
        print(f"| {name} | {len(chars)} | {len(chars & body)} | {len(chars & chain)} | {len(chars - chain)} |")
    print()
    print(f"JIS X 0213 codes that are sequences of two code points: {sequences}")
    for name, chars in sets[:2]:
        gap = "".join(chr(c) for c in sorted(chars - chain))
        print(f"{name} gap: {gap}")


if __name__ == "__main__":
    main()
