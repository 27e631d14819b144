#!/usr/bin/python3
"""Makes the subset fonts tebiki bundles and the sample's Chinese font.

Run from the repository root with Debian's python3 and these Debian
packages installed: python3-fonttools, fonts-noto-cjk (1:20220127+repack1-1),
fonts-dejavu-core (2.37), poppler-data (for the Adobe-Japan1 CMaps):

    SOURCE_DATE_EPOCH=1700000000 /usr/bin/python3 tools/fonts/make_subsets.py

It writes:

- fonts/TebikiFallbackJP-Regular.otf: the glyphs of Noto Sans CJK JP
  Regular for every character of JIS X 0213:2004, Adobe-Japan1-7 and the
  business symbol blocks (charsets.py) that BIZ UDPGothic Regular lacks.
- fonts/TebikiSymbols-Regular.ttf: the glyphs of DejaVu Sans for the
  characters of those sets that neither of the above has (check marks,
  arrows, dingbats).
- static/fonts/NotoSansSC-Regular-GB2312L1.otf and -Bold: Noto Sans CJK SC
  for ASCII, kana, CJK punctuation, full-width forms and the 3,755 hanzi of
  GB 2312 level 1 (the sample's CN region names them in tebiki.toml).

Subsetting is done by fontTools' subsetter (the code behind `pyftsubset`);
OpenType layout features are kept, hinting is dropped, the names are changed
so that the subsets do not pass for the original fonts (the OFL asks this of
modified versions; the Bitstream Vera licence of DejaVu asks the same).
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from charsets import adobe_japan1_7, business_extras, jis_x_0213  # noqa: E402

NOTO_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BODY = "fonts/BIZUDPGothic-Regular.ttf"


def face(ttc, family):
    """The face of a collection whose family name is `family`."""
    for font in TTCollection(ttc).fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise SystemExit(f"{family} not in {ttc}")


def cmap(font):
    return set(font.getBestCmap().keys())


def rename(font, family, style, note):
    names = font["name"]
    full = f"{family} {style}"
    ps = f"{family.replace(' ', '')}-{style}"
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (2, 17):
            names.setName(style, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 4):
            names.setName(full, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(ps, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (5,):
            original = record.toUnicode()
            names.setName(f"{original}; {note}", record.nameID, record.platformID,
                          record.platEncID, record.langID)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FullName = full
        top.FamilyName = family


def write_subset(font, unicodes, path, family, style, note):
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    rename(font, family, style, note)
    font.save(path)
    print(f"{path}: {len(unicodes)} characters asked, "
          f"{len(cmap(TTFont(path)))} mapped, {os.path.getsize(path)} bytes")


def gb2312_level1():
    chars = set()
    for row in range(0xB0, 0xD8):  # rows 16-55: level 1 hanzi
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def main():
    jis, _ = jis_x_0213()
    target = jis | adobe_japan1_7() | business_extras()
    body = cmap(TTFont(BODY, lazy=True))
    noto_jp = face(NOTO_REGULAR, "Noto Sans CJK JP")
    gap = target - body
    jp_part = gap & cmap(noto_jp)
    write_subset(noto_jp, jp_part, "fonts/TebikiFallbackJP-Regular.otf",
                 "Tebiki Fallback JP", "Regular",
                 "subset of Noto Sans CJK JP by tebiki tools/fonts/make_subsets.py")
    dejavu = TTFont(DEJAVU)
    symbols = (gap - jp_part) & cmap(dejavu)
    write_subset(dejavu, symbols, "fonts/TebikiSymbols-Regular.ttf",
                 "Tebiki Symbols", "Regular",
                 "subset of DejaVu Sans by tebiki tools/fonts/make_subsets.py")
    kana = set(range(0x3000, 0x3100)) | set(range(0x31F0, 0x3200))
    ascii_ = set(range(0x20, 0x7F))
    fullwidth = set(range(0xFF00, 0xFFF0))
    sc = ascii_ | kana | fullwidth | gb2312_level1() | {0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00B7}
    os.makedirs("static/fonts", exist_ok=True)
    for ttc, style in ((NOTO_REGULAR, "Regular"), (NOTO_BOLD, "Bold")):
        write_subset(face(ttc, "Noto Sans CJK SC"), sc,
                     f"static/fonts/NotoSansSC-{style}-GB2312L1.otf",
                     "Noto Sans SC GB2312L1", style,
                     "subset of Noto Sans CJK SC by tebiki tools/fonts/make_subsets.py")


if __name__ == "__main__":
    main()
