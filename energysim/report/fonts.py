"""The Chinese font of the charts: a subset of Noto Sans CJK SC (SIL Open Font License 1.1,
text in fonts/OFL.txt) shipped inside the package, so Chinese renders on a fresh machine.

The subset holds printable ASCII, a little punctuation and every Chinese character of
`energysim.report.labels`. It is renamed, as the OFL asks of modified versions. Regenerate it
after changing a Chinese label:

    python -m energysim.report.fonts /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

(Debian package fonts-noto-cjk; the SC face is number 2 of that collection.)
"""

from __future__ import annotations

import sys
from pathlib import Path

FONT_FILE = Path(__file__).parent / "fonts" / "EnergysimSansSC-Regular.otf"
FAMILY = "Energysim Sans SC"
LATIN_FAMILY = "DejaVu Sans"  # matplotlib's own font: Latin, digits and symbols
EXTRA = "°·—–−×±≥≤、，。：；（）《》％“”"


def register() -> str:
    """Add the shipped font to matplotlib's font manager; return its family name."""
    from matplotlib import font_manager

    if FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    return FAMILY


def rc(lang: str) -> dict[str, object]:
    """matplotlib rc settings for a language: Chinese first falls back to DejaVu per glyph."""
    if lang == "zh":
        return {"font.family": [register(), LATIN_FAMILY], "axes.unicode_minus": False}
    return {"font.family": [LATIN_FAMILY]}


def subset(source: Path, face: int = 2, target: Path = FONT_FILE) -> Path:
    """Write the subset of `source` (a .ttc face number or an .otf) holding the labels' text."""
    from fontTools import subset as fontsubset
    from fontTools.ttLib import TTFont

    from energysim.report.labels import chinese_characters

    text = "".join(chr(c) for c in range(32, 127)) + EXTRA + "".join(sorted(chinese_characters()))
    font = TTFont(source, fontNumber=face) if source.suffix.lower() == ".ttc" else TTFont(source)
    options = fontsubset.Options()
    options.name_IDs = ["*"]
    options.layout_features = []
    options.hinting = False
    subsetter = fontsubset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 4):
            names.setName(
                f"{FAMILY} Regular",
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
        elif record.nameID == 6:
            names.setName(
                "EnergysimSansSC-Regular", 6, record.platformID, record.platEncID, record.langID
            )
    names.names = [r for r in names.names if r.nameID not in (17, 18, 21, 22)]
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["EnergysimSansSC-Regular"]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = f"{FAMILY} Regular", FAMILY
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m energysim.report.fonts NotoSansCJK-Regular.ttc|NotoSansSC.otf")
    print(f"written {subset(Path(sys.argv[1]))}")
