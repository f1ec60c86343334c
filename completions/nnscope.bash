# bash completion for nnscope. Installed as share/bash-completion/completions/nnscope (loaded on demand by the
# bash-completion package); without that package, `source` this file from ~/.bashrc. Self-contained: it needs
# none of bash-completion's helper functions.

# Standard-library model names, from `nnscope list` (first column), asked once per shell.
_nnscope_models() {
  if [[ -z ${_nnscope_model_cache+set} ]]; then
    _nnscope_model_cache=$("$1" list 2>/dev/null | awk 'NF { print $1 }')
  fi
  printf '%s\n' "$_nnscope_model_cache"
}

# The words of a space-separated list that start with $2 (compgen -W splits on IFS, which _nnscope sets to a
# newline so that file names with spaces stay whole).
_nnscope_words() {
  local IFS=$' \t\n'
  compgen -W "$1" -- "$2"
}

# Files with one of the given extensions, and directories to descend into.
_nnscope_files() {
  local cur=$1 ext
  shift
  compgen -d -- "$cur"
  for ext in "$@"; do compgen -f -X "!*.$ext" -- "$cur"; done
}

_nnscope() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local exe=${COMP_WORDS[0]}
  [[ $exe == */* && -x $exe ]] || exe=nnscope
  local commands="analyze check list show dot import ops serve"
  local IFS=$'\n'
  COMPREPLY=()

  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(_nnscope_words "$commands --help --version" "$cur"))
    return 0
  fi
  local command=${COMP_WORDS[1]}

  case $prev in
    --format) COMPREPLY=($(_nnscope_words "table csv summary summary-long json dot xlsx html" "$cur")); return 0 ;;
    --mode) COMPREPLY=($(_nnscope_words "infer train" "$cur")); return 0 ;;
    --dtype | --weight-dtype | --act-dtype | --kv-dtype)
      COMPREPLY=($(_nnscope_words "fp32 tf32 fp16 bf16 fp8 int8 int4" "$cur"))
      return 0
      ;;
    --optimizer) COMPREPLY=($(_nnscope_words "sgd momentum adam adamw" "$cur")); return 0 ;;
    --kernels) COMPREPLY=($(_nnscope_words "fused unfused" "$cur")); return 0 ;;
    --hw)
      COMPREPLY=($(_nnscope_words "a100 h100 nvdla_full tpu_v4" "$cur") $(_nnscope_files "$cur" nn))
      compopt -o filenames 2>/dev/null
      return 0
      ;;
    --limit)
      COMPREPLY=($(_nnscope_words "ops= steps= loop-trips= call-depth= expr-size=" "$cur"))
      compopt -o nospace 2>/dev/null
      return 0
      ;;
    --out) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;
    -o | --output) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;
    --columns)
      # A comma-separated list: complete the name after the last comma.
      local done=${cur%"${cur##*,}"}
      COMPREPLY=($(_nnscope_words "params macs flops elementwise activation bytes intensity backward time bound" "${cur##*,}"))
      COMPREPLY=("${COMPREPLY[@]/#/$done}")
      compopt -o nospace 2>/dev/null
      return 0
      ;;
    --set | --sweep | --model | --depth | --top | --width | --set-hw | --parallel | --global-batch | --tokens | --prompt | --generate | --batch) return 0 ;;  # free-form values
  esac

  local options
  case $command in
    analyze) options="--set --sweep --dtype --weight-dtype --act-dtype --format --out --depth --columns --top --width --mode
                      --optimizer --hw --kernels --set-hw --parallel --global-batch --tokens --model --limit" ;;
    serve) options="--prompt --generate --batch --kv-dtype --hw --kernels --dtype --weight-dtype --act-dtype --set
                    --sweep --format --model --limit" ;;
    dot) options="--set --dtype --weight-dtype --act-dtype --depth --model --limit -o" ;;
    check) options="--set --dtype --weight-dtype --act-dtype --limit" ;;
    import) options="-o" ;;
    *) options="" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(_nnscope_words "$options --help" "$cur"))
    return 0
  fi

  case $command in
    analyze | dot)
      COMPREPLY=($(_nnscope_words "$(_nnscope_models "$exe")" "$cur") $(_nnscope_files "$cur" nn onnx))
      compopt -o filenames 2>/dev/null
      ;;
    show) COMPREPLY=($(_nnscope_words "$(_nnscope_models "$exe")" "$cur")) ;;
    check) COMPREPLY=($(_nnscope_files "$cur" nn onnx)); compopt -o filenames 2>/dev/null ;;
    import) COMPREPLY=($(_nnscope_files "$cur" onnx)); compopt -o filenames 2>/dev/null ;;
  esac
  return 0
}

complete -F _nnscope nnscope
