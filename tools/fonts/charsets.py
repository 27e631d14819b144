"""Character sets the bundled fonts are measured against (see fonts/README.md).

JIS X 0213:2004: every code of both planes decoded with Python's
`euc_jis_2004` codec (plane 1 is EUC row/cell 0xA1-0xFE, plane 2 is
0x8F + row/cell). Codes that decode to two code points (kana with a
semi-voiced mark, accented letters with a combining tone) count as
sequences and are left out of the single-character set.

Adobe-Japan1-7: every Unicode scalar mapped to a CID by the UTF-32 CMaps
UniJIS-UTF32-H and UniJIS2004-UTF32-H (Supplement 7) of Debian's
poppler-data package.

Business extras: the blocks of symbols Japanese business text uses
(arrows, enclosed numbers, check marks and dingbats, geometric shapes,
letterlike and technical symbols, enclosed CJK and CJK compatibility).
"""

import re

CMAP_DIR = "/usr/share/poppler/cMap/Adobe-Japan1"


def jis_x_0213():
    chars, sequences = set(), 0
    codes = [bytes([r, c]) for r in range(0xA1, 0xFF) for c in range(0xA1, 0xFF)]
    codes += [bytes([0x8F, r, c]) for r in range(0xA1, 0xFF) for c in range(0xA1, 0xFF)]
    for code in codes:
        try:
            text = code.decode("euc_jis_2004")
        except UnicodeDecodeError:
            continue
        if len(text) == 1:
            chars.add(ord(text))
        else:
            sequences += 1
    return chars, sequences


def adobe_japan1_7():
    chars = set()
    for name in ("UniJIS-UTF32-H", "UniJIS2004-UTF32-H"):
        text = open(f"{CMAP_DIR}/{name}", encoding="latin-1").read()
        for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
            for lo, hi, _ in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
                chars.update(range(int(lo, 16), int(hi, 16) + 1))
        for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
            for code, _ in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block):
                chars.add(int(code, 16))
    return chars


BUSINESS_BLOCKS = [
    (0x2100, 0x214F),  # Letterlike Symbols (℃ № ™)
    (0x2150, 0x218F),  # Number Forms (Ⅰ Ⅻ ⅰ)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x2300, 0x23FF),  # Miscellaneous Technical (⌘ ⏎)
    (0x2460, 0x24FF),  # Enclosed Alphanumerics (① … ⑳ Ⓐ)
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2600, 0x26FF),  # Miscellaneous Symbols (☎ ★ ☐ ☑)
    (0x2700, 0x27BF),  # Dingbats (✓ ✔ ✗ ✘ ❶)
    (0x27F0, 0x27FF),  # Supplemental Arrows-A
    (0x2900, 0x297F),  # Supplemental Arrows-B
    (0x2B00, 0x2BFF),  # Miscellaneous Symbols and Arrows (⬆ ⭕)
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months (㈱ ㊤ ㋿)
    (0x3300, 0x33FF),  # CJK Compatibility (㍻ ㎡)
]


def business_extras():
    chars = set()
    for lo, hi in BUSINESS_BLOCKS:
        chars.update(range(lo, hi + 1))
    return chars
