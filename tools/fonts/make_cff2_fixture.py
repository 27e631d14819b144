"""A tiny variable CFF2 font for tebiki's tests (tests/fixtures/fonts/TestCFF2Var.otf).

Two CFF masters (weight 300, the default, and 700) of four glyphs (.notdef, a, o, 漢) with cubic
curves and a counter, merged by fontTools' varLib into a CFF2 font with `fvar`/`HVAR`. The tests
check that src/pdf/cff.rs converts such a face at its default instance.

Usage: SOURCE_DATE_EPOCH=1700000000 /usr/bin/python3 tools/fonts/make_cff2_fixture.py OUT.otf
(reproducible byte for byte with the same SOURCE_DATE_EPOCH and fontTools 4.38).
"""
import os
import sys
import tempfile
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.designspaceLib import DesignSpaceDocument, SourceDescriptor, AxisDescriptor
from fontTools import varLib

def master(weight, path):
    fb = FontBuilder(1000, isTTF=False)
    order = [".notdef", "a", "o", "kan"]
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({ord("a"): "a", ord("o"): "o", 0x6F22: "kan"})
    w = weight
    def notdef():
        p = T2CharStringPen(500, None); p.moveTo((50, 0)); p.lineTo((450, 0)); p.lineTo((450, 700)); p.lineTo((50, 700)); p.closePath()
        return p.getCharString()
    def a():
        p = T2CharStringPen(560, None)
        # a stem and a bowl with cubic curves
        p.moveTo((400, 0)); p.lineTo((400 + w, 0)); p.lineTo((400 + w, 500)); p.lineTo((400, 500)); p.closePath()
        p.moveTo((250, -10)); p.curveTo((120, -10), (50, 60), (50, 150)); p.curveTo((50, 250), (130, 310), (250, 310))
        p.lineTo((400, 310)); p.lineTo((400, 260)); p.lineTo((250, 260))
        p.curveTo((160, 260), (50 + w, 220), (50 + w, 150)); p.curveTo((50 + w, 80), (160, 40), (250, 40)); p.lineTo((400, 40)); p.lineTo((400, -10)); p.closePath()
        return p.getCharString()
    def o():
        p = T2CharStringPen(600, None)
        # outer counter-clockwise, inner clockwise (PostScript convention)
        p.moveTo((300, 0)); p.curveTo((466, 0), (550, 112), (550, 250)); p.curveTo((550, 388), (466, 500), (300, 500)); p.curveTo((134, 500), (50, 388), (50, 250)); p.curveTo((50, 112), (134, 0), (300, 0)); p.closePath()
        p.moveTo((300, 40 + w)); p.curveTo((180, 40 + w), (90 + w, 130), (90 + w, 250)); p.curveTo((90 + w, 370), (180, 460 - w), (300, 460 - w)); p.curveTo((420, 460 - w), (510 - w, 370), (510 - w, 250)); p.curveTo((510 - w, 130), (420, 40 + w), (300, 40 + w)); p.closePath()
        return p.getCharString()
    def kan():
        p = T2CharStringPen(1000, None)
        for y in (100, 400, 700):
            p.moveTo((100, y)); p.lineTo((900, y)); p.lineTo((900, y + 40 + w)); p.lineTo((100, y + 40 + w)); p.closePath()
        return p.getCharString()
    fb.setupCFF("TestCFF2Var", {"FullName": "Test CFF2 Var"}, {"a": a(), "o": o(), "kan": kan(), ".notdef": notdef()}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 50), "a": (560, 50), "o": (600, 50), "kan": (1000, 100)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test CFF2 Var", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(path)

out = os.path.abspath(sys.argv[1])
os.chdir(tempfile.mkdtemp())
master(40, "light.otf")
master(140, "bold.otf")
ds = DesignSpaceDocument()
ax = AxisDescriptor(); ax.tag = "wght"; ax.name = "Weight"; ax.minimum = 300; ax.default = 300; ax.maximum = 700
ds.addAxis(ax)
for path, w in (("light.otf", 300), ("bold.otf", 700)):
    s = SourceDescriptor(); s.path = path; s.location = {"Weight": w}; ds.addSource(s)
vf, _, _ = varLib.build(ds)
vf.save(out)
