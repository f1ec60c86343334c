# fish completion for nnscope. Installed as share/fish/vendor_completions.d/nnscope.fish.

set -l commands analyze check list show dot import ops serve
set -l dtypes fp32 tf32 fp16 bf16 fp8 int8 int4

function __nnscope_models
    nnscope list 2>/dev/null | string replace -r '^(\S+).*' '$1'
end

complete -c nnscope -f
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a analyze -d 'analyse a model: shapes, parameters, work, bytes'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a check -d 'parse and validate model files'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a list -d 'the standard-library models'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a show -d "print a standard-library model's source"
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a dot -d 'write the graph in Graphviz DOT'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a import -d 'translate an ONNX model into a .nn file'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a ops -d 'the operators the language knows'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -a serve -d 'LLM serving: prefill, decode, KV cache'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -l help -d 'print the usage'
complete -c nnscope -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'

# Positional arguments: model names and model files.
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot show serve" -a '(__nnscope_models)'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot check" -F -a '(__fish_complete_suffix .nn; __fish_complete_suffix .onnx)'
complete -c nnscope -n "__fish_seen_subcommand_from import" -a '(__fish_complete_suffix .onnx)'

# Options.
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot check serve" -l set -x -d 'bind a model parameter: NAME=VALUE'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l sweep -x -d 'evaluate at several values: NAME=V1,V2,...'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot check serve" -l dtype -x -a "$dtypes" -d 'weights and activations'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot check serve" -l weight-dtype -x -a "$dtypes" -d 'weights only'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot check serve" -l act-dtype -x -a "$dtypes" -d 'activations only'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l format -x -a 'table csv summary summary-long json dot xlsx html' -d 'output format'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l out -x -a '(__fish_complete_directories)' -d 'also write every format to DIR'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot" -l depth -x -d 'collapse blocks deeper than N levels'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l columns -x -a 'params macs flops elementwise activation bytes intensity backward time bound' -d 'table columns, comma-separated'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l top -x -d 'the N heaviest ops with their share'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l width -x -d 'the columns the table fits'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l mode -x -a 'infer train' -d 'infer or train'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l optimizer -x -a 'sgd momentum adam adamw' -d 'training optimizer'
complete -c nnscope -n "__fish_seen_subcommand_from analyze serve" -l kernels -x -a 'fused unfused' -d 'memory traffic of fused or unfused kernels'
complete -c nnscope -n "__fish_seen_subcommand_from analyze serve" -l hw -x -a 'a100 h100 nvdla_full tpu_v4 (__fish_complete_suffix .nn)' -d 'roofline on a hardware profile'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l set-hw -x -d 'set a hardware profile parameter NAME=VALUE'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l parallel -x -d 'multi-device plan tp=T,pp=P,dp=D,...'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l global-batch -x -d 'sequences per step'
complete -c nnscope -n "__fish_seen_subcommand_from analyze" -l tokens -x -d 'tokens to train on'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot" -l model -x -d 'which model of the file'
complete -c nnscope -n "__fish_seen_subcommand_from analyze dot check serve" -l limit -x -a 'ops= steps= loop-trips= call-depth= expr-size=' -d 'raise a safety limit'
complete -c nnscope -n "__fish_seen_subcommand_from dot import" -s o -r -F -d 'write to FILE'
complete -c nnscope -n "__fish_seen_subcommand_from serve" -l prompt -x -d 'prompt tokens per sequence'
complete -c nnscope -n "__fish_seen_subcommand_from serve" -l generate -x -d 'tokens generated per sequence'
complete -c nnscope -n "__fish_seen_subcommand_from serve" -l batch -x -d 'sequences decoded together'
complete -c nnscope -n "__fish_seen_subcommand_from serve" -l kv-dtype -x -a "$dtypes" -d "the KV cache's dtype"
complete -c nnscope -n "__fish_seen_subcommand_from serve" -l sweep -x -d 'batch, prompt or generate: NAME=V1,V2,...'
complete -c nnscope -n "__fish_seen_subcommand_from serve" -l format -x -a 'table json' -d 'output format'
