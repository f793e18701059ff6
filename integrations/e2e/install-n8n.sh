#!/usr/bin/env bash
# Installs n8n 2.8.4 (the newest release that runs on Node 20) into a cache
# folder outside git, reusing it when the binary is already there. The xlsx
# override keeps n8n-nodes-base from fetching xlsx off cdn.sheetjs.com, and
# nodedir lets sqlite3 compile against the system Node headers.
# Usage: install-n8n.sh [dir]   (default $VISAGE_N8N_HOME or ~/.cache/visage-hub/n8n-2.8.4)
set -euo pipefail
dir=${1:-${VISAGE_N8N_HOME:-$HOME/.cache/visage-hub/n8n-2.8.4}}
if [ -x "$dir/node_modules/.bin/n8n" ]; then
  echo "n8n: reusing $dir"
  exit 0
fi
mkdir -p "$dir"
cat >"$dir/package.json" <<'JSON'
{
  "name": "visage-n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "2.8.4" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
if [ -d /usr/include/node ]; then
  echo "nodedir=/usr" >"$dir/.npmrc"
fi
echo "n8n: installing n8n@2.8.4 into $dir (takes ~5 minutes)"
(cd "$dir" && npm_config_yes=true npm install --no-audit --no-fund --loglevel=error)
test -x "$dir/node_modules/.bin/n8n"
