#!/usr/bin/env bash
# Size per flag set: builds variants of the wasm bundle in build/wasm-var-*
# and prints a markdown table (gzip -9 bytes of omotenashi.js + .wasm).
# Usage: web/tools/measure-flags.sh   (after web/build; takes a few minutes)
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(dirname "$web")"
export PATH="$root/build/wasm-tools:$web/node_modules/.bin:$PATH"
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
cd "$root"
variants=(
  "release|"
  "no-closure|-DOMO_WASM_CLOSURE=OFF"
  "no-lto|-DOMO_WASM_LTO=OFF"
  "Os|-DOMO_WASM_OPT=-Os"
  "O2|-DOMO_WASM_OPT=-O2"
  "dlmalloc|-DOMO_WASM_MALLOC=dlmalloc"
  "no-converge|-DOMO_WASM_CONVERGE=OFF"
)
echo "| variant | cmake options | wasm B | wasm gzip B | js B | js gzip B | js+wasm gzip B |"
echo "|---|---|---:|---:|---:|---:|---:|"
for v in "${variants[@]}"; do
  name="${v%%|*}"; opts="${v#*|}"
  dir="build/wasm-var-$name"
  if [ "$name" = release ]; then dir=build/wasm; else
    # shellcheck disable=SC2086
    cmake --preset wasm -B "$dir" $opts > /dev/null
    cmake --build "$dir" > /dev/null
  fi
  out="$(mktemp -d)"
  OMO_CORE_DIR="$root/$dir/bindings" OMO_DIST_DIR="$out" node "$web/tools/assemble.mjs" > /dev/null
  node -e '
    const fs=require("fs"),z=require("zlib"),p=require("path");const d=process.argv[1];
    const s=f=>fs.statSync(p.join(d,f)).size, g=f=>z.gzipSync(fs.readFileSync(p.join(d,f)),{level:9}).length;
    console.log(`| ${process.argv[2]} | ${process.argv[3]||"(default)"} | ${s("omotenashi.wasm")} | ${g("omotenashi.wasm")} | ${s("omotenashi.js")} | ${g("omotenashi.js")} | ${g("omotenashi.wasm")+g("omotenashi.js")} |`);
  ' "$out" "$name" "$opts"
  rm -rf "$out"
done
