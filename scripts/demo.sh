#!/usr/bin/env bash
# The README's main command: set up a fresh machine, then run `outpost demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-vscode
exec node dist/outpost.js demo "$@"
