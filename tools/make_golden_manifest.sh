#!/bin/bash
# Writes the case list of tests/golden/outputs.txt (with empty hashes) for the executable given, then fills the
# hashes by running the golden test in update mode:
#   tools/make_golden_manifest.sh build/nnscope > tests/golden/outputs.txt
#   NNSCOPE_UPDATE_GOLDEN=1 build/golden_tests --gtest_filter='GoldenOutputs.*'
# Run it only to add cases; a change in output is reviewed with bench/compare_outputs.sh OLD NEW.
set -eu
nnscope=$1
echo "# HASH BYTES STATUS ARGUMENTS: made by tools/make_golden_manifest.sh; see tests/golden/outputs_test.cc"
case_line() { echo "0000000000000000 0 0 $*"; }
for model in $("$nnscope" list | awk '{print $1}') examples/lenet5.nn examples/mlp.nn examples/tiny_transformer.nn; do
  for options in "" "--format csv" "--format summary" "--format json" "--format dot" "--depth 0" \
                 "--depth 1 --format json" "--mode train --format json" "--hw a100 --format json"; do
    case_line analyze "$model" $options
  done
done
for model in resnet50 bert_base llama2_7b dlrm unet3d maskrcnn_resnet50_fpn gnmt; do
  for options in "--mode train" "--mode train --format csv" "--mode train --format summary" "--hw h100" \
                 "--hw tpu_v4 --format csv" "--mode train --hw a100 --format csv" "--mode train --optimizer sgd" \
                 "--dtype fp16 --format csv" "--weight-dtype int4 --act-dtype bf16 --format json" "--depth 1"; do
    case_line analyze "$model" $options
  done
done
case_line analyze bert_large --sweep seq=128,256,512 --sweep batch=1,8
case_line analyze bert_large --sweep seq=128,256,512 --format json
case_line analyze resnet50 --sweep batch=1,2,64 --format json
case_line analyze resnet50 --sweep height=224,256 --mode train --hw a100
case_line analyze gpt2 --sweep seq=16,1024 --format csv
case_line analyze gpt2 --sweep seq=16,1024 --mode train --format json
case_line analyze bert_base --sweep layers=2,4 --format csv
case_line analyze resnet50 --format xlsx
case_line analyze bert_base --depth 2 --mode train --hw a100 --format xlsx
case_line analyze llama2_7b --hw h100 --format xlsx
case_line analyze resnet50 --sweep batch=1,2,64 --format xlsx
case_line analyze resnet50 --set batch=32 --set height=256 --format json
case_line dot resnet18 --depth 1
case_line list
case_line ops
