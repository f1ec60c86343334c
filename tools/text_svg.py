#!/usr/bin/env python3
"""Terminal text (UTF-8 on stdin) as an SVG picture of a terminal (on stdout), for the README.

Usage: nnscope analyze resnet50 --width 100 | tools/text_svg.py [TITLE] > picture.svg

Each line is one <text> element on a grid of monospace cells: its textLength is its number of code points times the
cell width, and its spaces are no-break spaces (runs of them are kept), so the columns line up in any browser's
monospace font and the picture's width is fixed. Python's
standard library only.
"""
import html
import sys

CELL_WIDTH = 7.8  # px: 0.6 em of a 13 px monospace font
LINE_HEIGHT = 16  # px
PAD = 12  # px around the text
NBSP = "\u00a0"  # spaces as no-break spaces: no SVG renderer collapses a run of them
FONT = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"


def main() -> None:
    title = sys.argv[1] if len(sys.argv) > 1 else ""
    lines = sys.stdin.read().rstrip("\n").split("\n")
    if title:
        lines = ["$ " + title, ""] + lines
    columns = max(len(line) for line in lines)
    width = round(2 * PAD + columns * CELL_WIDTH)
    height = 2 * PAD + len(lines) * LINE_HEIGHT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        ' xml:space="preserve">',
        f'<rect width="{width}" height="{height}" rx="6" fill="#1d1f21"/>',
        f'<g font-family="{html.escape(FONT)}" font-size="13" fill="#e0e0e0" style="white-space:pre">',
    ]
    for row, line in enumerate(lines):
        if not line.strip():
            continue
        y = PAD + (row + 1) * LINE_HEIGHT - 4
        fill = ' fill="#8fd18f"' if title and row == 0 else ""
        out.append(
            f'<text x="{PAD}" y="{y}" textLength="{len(line) * CELL_WIDTH:.1f}" lengthAdjust="spacingAndGlyphs"'
            f"{fill}>{html.escape(line, quote=False).replace(' ', NBSP)}</text>"
        )
    out.append("</g></svg>")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
