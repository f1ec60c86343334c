#!/bin/sh
# The README's pictures (docs/images/), remade from the tool's own output:
# - the HTML report: nnscope writes the reports, headless Chromium photographs them: the page's top, and single
#   sections cut out with their page's <head> (Python's standard library);
# - the terminal table: `nnscope analyze resnet50 --hw a100 --width 100` drawn as an SVG of a terminal
#   (tools/text_svg.py);
# - the Excel workbook: nnscope writes resnet50's workbook, LibreOffice exports it as HTML (headless: soffice
#   --convert-to html), and Chromium photographs the top of its `details` sheet, some columns picked (below).
# Usage: tools/readme_pictures.sh [path/to/nnscope]   (from the repository root; needs chromium, python3, soffice)
set -eu
nnscope=${1:-build/nnscope}
out=docs/images
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shoot() {  # shoot PAGE[#ANCHOR] HEIGHT PNG [WIDTH]
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
    --window-size="${4:-1000}","$2" --screenshot="$3" "file://$1" >/dev/null 2>&1
}
section() {  # section PAGE ID OUT: the page's head and one <section id=ID>
  python3 -c 'import sys
page = open(sys.argv[1]).read()
start = page.index("<section id=\"" + sys.argv[2] + "\">")
end = page.index("</section>", start) + len("</section>")
open(sys.argv[3], "w").write(page[:page.index("<header>")] + page[start:end] + "</body></html>")' "$@"
}
"$nnscope" analyze resnet50 --hw a100 --format html >"$tmp/resnet50.html"
shoot "$tmp/resnet50.html" 1250 "$out/html_resnet50_top.png"
section "$tmp/resnet50.html" roofline "$tmp/roofline.html"
shoot "$tmp/roofline.html" 760 "$out/html_resnet50_roofline.png"
"$nnscope" analyze bert_base --sweep seq=128,512,2048 --format html >"$tmp/bert_sweep.html"
section "$tmp/bert_sweep.html" sweep-charts "$tmp/sweep.html"
shoot "$tmp/sweep.html" 680 "$out/html_bert_base_sweep.png"

# The terminal table at 100 columns.
"$nnscope" analyze resnet50 --hw a100 --width 100 |
  python3 tools/text_svg.py "nnscope analyze resnet50 --hw a100 --width 100" >"$out/table_resnet50_a100.svg"

# The workbook's details sheet as LibreOffice Calc reads it: its HTML export (numbers formatted by the sheet's own
# number formats), the sheet's first 24 rows and the columns below (the level_*, input_shape, padding, dilation,
# groups, misc and *_mib columns are left out of the picture to keep it narrow), with grid lines.
"$nnscope" analyze resnet50 --hw a100 --format xlsx -o "$tmp/resnet50.xlsx"
timeout 120 soffice --headless -env:UserInstallation="file://$tmp/libreoffice" --convert-to html --outdir "$tmp" \
  "$tmp/resnet50.xlsx" >/dev/null 2>&1
python3 - "$tmp/resnet50.html" "$tmp/details.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
shown = ["path", "op", "output_shape", "kernel", "stride", "params", "weight_bytes", "gemm_macs", "elementwise_ops",
         "activation_ops", "flops", "traffic_bytes", "intensity", "est_time_s", "bound"]
start = page.index('<A NAME="table0">')
table = page[page.index("<table", start):page.index("</table>", start)]
rows = [re.findall(r"<td[^>]*>.*?</td>", row, re.S) for row in table.split("<tr>")[1:]]
header = [re.sub(r"<[^>]+>", "", cell) for cell in rows[0]]
keep = [header.index(name) for name in shown]
body = "".join("<tr>" + "".join(row[i] for i in keep) + "</tr>\n" for row in rows[:25])
head = page[:page.index("</head>")]
style = ("<style>table{border-collapse:collapse}td{font:13px Carlito,Calibri,'Liberation Sans',sans-serif;"
         "border:1px solid #d0d0d0;padding:2px 6px;white-space:nowrap;vertical-align:middle}"
         "h1{font:bold 15px sans-serif;margin:8px 4px}</style>")
open(sys.argv[2], "w", encoding="utf-8").write(
    head + style + "</head><body><h1>resnet50.xlsx: sheet details</h1><table>" + body + "</table></body></html>")
PY
shoot "$tmp/details.html" 560 "$out/xlsx_resnet50_details.png" 1300
