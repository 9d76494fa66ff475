#!/usr/bin/env bash
# The README's test command: sets up a fresh machine, then runs static checks, unit, integration and UI tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-vscode
echo "== static checks"
npm run --silent check
echo "== unit tests"
npm run --silent test:unit
echo "== integration tests (real relay, QEMU, gdb-multiarch)"
npm run --silent test:integration
echo "== UI tests (code-server in Chromium)"
npm run --silent test:ui
