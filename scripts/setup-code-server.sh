#!/usr/bin/env bash
# Installs code-server (a full VS Code that runs on Node 20) into .tools/code-server for `outpost demo` and the UI tests.
# Idempotent: a stamp file written as the very last step marks a complete install; anything short of it is redone.
# The Debian packages it builds against come from `scripts/setup.sh --with-vscode`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.100.3
NODE_GYP=12.4.0
DEST=.tools/code-server
STAMP="$DEST/.complete-$VERSION"
say() { echo "setup-code-server: $*"; }
fail() { echo "setup-code-server: $*" >&2; exit 1; }

if [ -f "$STAMP" ]; then
  say "code-server $VERSION already installed in $DEST"
  exit 0
fi

# code-server 4.100.x declares engines.node "20" and its native modules are built for the running Node.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || fail "needs Node 20 (found $(node -v)); install Node 20 and run again"

missing=()
for p in libkrb5-dev pkg-config ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] || fail "missing Debian packages: ${missing[*]}; run 'bash scripts/setup.sh --with-vscode' (or apt-get install -y ${missing[*]})"
[ -x /usr/bin/rg ] || fail "/usr/bin/rg not found although ripgrep is installed; reinstall it with 'apt-get install --reinstall ripgrep'"

# node-gyp would download Node's headers, which cannot be fetched here: build against the ones installed with Node.
node_prefix="$(node -p 'require("path").resolve(process.execPath, "../..")')"
[ -f "$node_prefix/include/node/common.gypi" ] || fail "Node's headers are missing ($node_prefix/include/node); install Node 20 with its headers (Debian/NodeSource nodejs package) and run again"
export npm_config_nodedir="$node_prefix"

start=$SECONDS
say "installing code-server $VERSION into $DEST (takes several minutes)"
# A half-finished install (no stamp) is thrown away: partial native builds are not worth diagnosing.
rm -rf "$DEST"
mkdir -p "$DEST"
# Its own package.json, so npm installs here and never into the project's node_modules.
printf '{ "name": "outpost-code-server", "private": true }\n' >"$DEST/package.json"

npm_quiet=(--no-audit --no-fund --loglevel=error)
# --ignore-scripts: the package's postinstall downloads ripgrep from the internet and refuses to run as root.
# node-gyp beside it, first on PATH: node-pty's post-install and the builds below call `npx node-gyp`.
(cd "$DEST" && npm install "${npm_quiet[@]}" --ignore-scripts --save-exact "code-server@$VERSION" "node-gyp@$NODE_GYP")
export PATH="$PWD/$DEST/node_modules/.bin:$PATH"
# Lets npx run a tool without asking (npm here may be configured with yes=false).
export npm_config_yes=true

CS="$DEST/node_modules/code-server"
VSC="$CS/lib/vscode"
[ -f "$CS/out/node/entry.js" ] || fail "code-server $VERSION was installed without out/node/entry.js; the npm package changed, see TOOLCHAIN.md"

say "installing VS Code's own modules"
(cd "$VSC" && npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts)

say "building native modules (kerberos, node-pty, spdlog, native-watchdog, deviceid)"
gyp_jobs=(--jobs="$(nproc)" --nodedir="$node_prefix")
(cd "$VSC" && npm rebuild "${npm_quiet[@]}" kerberos node-pty)
for m in @vscode/spdlog native-watchdog @vscode/deviceid; do
  (cd "$VSC/node_modules/$m" && node-gyp rebuild "${gyp_jobs[@]}" --loglevel=error >/dev/null)
done

# VS Code's search runs ripgrep; use Debian's instead of the binary the skipped postinstall would fetch.
mkdir -p "$VSC/node_modules/@vscode/ripgrep/bin"
cp /usr/bin/rg "$VSC/node_modules/@vscode/ripgrep/bin/rg"
# The server loads modules from node_modules.asar (the Electron layout); point it at the plain folder.
ln -sfn node_modules "$VSC/node_modules.asar"

say "installing built-in extensions' modules"
(cd "$VSC/extensions" && npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts)

say "building argon2"
argon2_dir="$(cd "$DEST" && node -p 'require("path").dirname(require.resolve("argon2/package.json", { paths: [require.resolve("code-server/package.json")] }))')"
(cd "$argon2_dir" && node-pre-gyp install --build-from-source --loglevel=error >/dev/null)

# A cheap proof that the server starts on this Node with these modules.
node "$CS/out/node/entry.js" --version >/dev/null || fail "code-server does not start after install; run 'node $CS/out/node/entry.js --version' to see why"

touch "$STAMP"
say "done in $((SECONDS - start)) s"
