#!/usr/bin/python3
# fonts.py: the PDF's fonts (src/doc/pdf.c), cut from Debian's Noto CJK
# (fonts-noto-cjk) to the characters of GB 2312 — its 6763 hanzi, its
# symbols and the punctuation a 公文 uses — with fontTools (python3-fonttools).
#
#   /usr/bin/python3 scripts/fonts.py build/fonts/SanlingSerifSC-Regular.otf
#
# Why: cairo 1.16 copies a face's whole CFF table to embed a subset of it,
# and reads nearly every page of the 20-27 MB collections; a report drawn
# in the whole faces peaked at 133 MiB, in these at under 64 MiB (issue 16,
# bench/RESULTS.md).  A family of its own ("Sanling Serif SC", "Sanling
# Sans SC") so that fontconfig never mistakes it for the whole face: pdf.c
# names it first and the whole face after it, so a character outside GB
# 2312 (a rare character of a name) is drawn from the whole face.  Hinting
# is dropped (a PDF's viewer hints for its own screen).  The faces are
# under the SIL Open Font License 1.1, as the Noto CJK they are cut from.
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

NOTO = "/usr/share/fonts/opentype/noto"
# our file: (the collection, the face in it, our family, its style)
FACES = {
    "SanlingSerifSC-Regular.otf": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC",
                                   "Sanling Serif SC", "Regular"),
    "SanlingSerifSC-Bold.otf": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC",
                                "Sanling Serif SC", "Bold"),
    "SanlingSansSC-Regular.otf": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC",
                                  "Sanling Sans SC", "Regular"),
}
# beside GB 2312: ASCII and Latin-1, general punctuation (— “” … ‰),
# enclosed numbers (①), CJK symbols and punctuation, full-width forms
BLOCKS = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2460, 0x24FF),
          (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def characters():
    cps = set()
    for cp in range(0x20, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        try:
            chr(cp).encode("gb2312")
            cps.add(cp)
        except UnicodeEncodeError:
            pass
    for lo, hi in BLOCKS:
        cps.update(range(lo, hi + 1))
    return cps


def face(collection, family):
    path = os.path.join(NOTO, collection)
    for i in range(16):
        try:
            names = TTFont(path, fontNumber=i, lazy=True)["name"]
        except Exception:
            break
        if family in (names.getDebugName(1), names.getDebugName(16)):
            # the face's own dates kept: the same build makes the same file
            return TTFont(path, fontNumber=i, recalcTimestamp=False)
    sys.exit(f"fonts.py: no face {family} in {NOTO}/{collection} (fonts-noto-cjk)")


def rename(font, family, style):
    ps = family.replace(" ", "") + "-" + style
    full = f"{family} {style}" if style != "Regular" else family
    names = font["name"]
    # every language's name of the face: ours alone
    for nid in (1, 2, 3, 4, 6, 16, 17, 18, 20, 21, 22):
        names.removeNames(nameID=nid)
    for nid, value in ((1, family), (2, style), (3, f"Sanling:{ps}"), (4, full), (6, ps)):
        names.setName(value, nid, 3, 1, 0x409)
        names.setName(value, nid, 1, 0, 0)
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    cff.fontNames = [ps]
    top.FamilyName = family
    top.FullName = full


def main():
    if len(sys.argv) != 2 or os.path.basename(sys.argv[1]) not in FACES:
        sys.exit("usage: fonts.py DIR/{" + ",".join(FACES) + "}")
    out = sys.argv[1]
    collection, source, family, style = FACES[os.path.basename(out)]
    font = face(collection, source)
    opts = subset.Options()
    opts.hinting = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=characters())
    sub.subset(font)
    rename(font, family, style)
    font.save(out + ".tmp")
    os.replace(out + ".tmp", out)


main()
