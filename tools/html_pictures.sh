#!/bin/sh
# The README's pictures of the HTML report (docs/images/): nnscope writes the reports, headless Chromium
# photographs them: the page's top, and single sections cut out with their page's <head> (Python's standard library).
# Usage: tools/html_pictures.sh [path/to/nnscope]   (from the repository root)
set -eu
nnscope=${1:-build/nnscope}
out=docs/images
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shoot() {  # shoot PAGE[#ANCHOR] HEIGHT PNG
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
    --window-size=1000,"$2" --screenshot="$3" "file://$1" >/dev/null 2>&1
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
