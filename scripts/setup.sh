#!/usr/bin/env bash
# One-time, idempotent set-up of a fresh Debian machine for Outpost: system packages, npm packages, the build.
# Usage: scripts/setup.sh [--with-vscode]   (--with-vscode also prepares code-server for the demo and UI tests)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(gcc-arm-none-eabi libnewlib-arm-none-eabi gdb-multiarch qemu-system-arm iproute2 openocd)
VSCODE_APT_PACKAGES=(libkrb5-dev pkg-config ripgrep chromium)
with_vscode=0
for arg in "$@"; do
  case "$arg" in
    --with-vscode) with_vscode=1 ;;
    *) echo "setup: unknown option $arg (use --with-vscode)" >&2; exit 2 ;;
  esac
done
wanted=("${APT_PACKAGES[@]}")
[ "$with_vscode" = 1 ] && wanted+=("${VSCODE_APT_PACKAGES[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages: reinstall when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi

echo "setup: building"
npm run --silent build >/dev/null
npm run --silent package >/dev/null 2>&1 || { echo "setup: packaging the extension failed; run 'npm run package' to see why" >&2; exit 1; }

if [ "$with_vscode" = 1 ]; then
  bash scripts/setup-code-server.sh
fi
echo "setup: done"
