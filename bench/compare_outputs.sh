#!/bin/bash
# Checks that two nnscope executables print the same thing, byte for byte, on stdout and stderr, with the same
# exit status: every standard-library model in every output format (also --depth, --mode train, --hw), every
# hostile file of tests/bad, a few sweeps, and any extra model files given. Run it with the executable of the
# last commit and the new one after a change meant only to make nnscope faster:
#   bench/compare_outputs.sh /tmp/old/nnscope build/nnscope [/tmp/gen/flat_10k.nn ...]
set -u
old=$1
new=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compared=0
differ=0
same() {
  compared=$((compared + 1))
  "$old" "$@" > "$work/old.out" 2> "$work/old.err"
  local old_status=$?
  "$new" "$@" > "$work/new.out" 2> "$work/new.err"
  local new_status=$?
  if [ $old_status != $new_status ] || ! cmp -s "$work/old.out" "$work/new.out" ||
     ! cmp -s "$work/old.err" "$work/new.err"; then
    echo "differs: nnscope $*"
    differ=$((differ + 1))
  fi
}
for model in $("$old" list | awk '{print $1}'); do
  for options in "" "--format csv" "--format summary" "--format json" "--format dot" "--depth 0" \
                 "--depth 1 --format json" "--mode train --format json" "--hw a100 --format json"; do
    # shellcheck disable=SC2086
    same analyze "$model" $options
  done
done
for file in "$root"/tests/bad/*.nn "$root"/tests/onnx/fixtures/*.onnx "$@"; do
  same analyze "$file" --format json
done
same analyze bert_large --sweep seq=128,256,512 --sweep batch=1,8
same analyze resnet50 --sweep batch=1,2,64 --format json
same analyze gpt2 --sweep seq=16,1024 --format csv
echo "$compared runs compared, $differ differ"
[ $differ = 0 ]
