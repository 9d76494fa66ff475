#!/usr/bin/env bash
# Emulated cellular link: two network namespaces joined by one link with delay, jitter, loss and rate per direction.
#
# Usage:
#   scripts/netem.sh up NAME [--delay 75ms] [--jitter 10ms] [--loss 1%] [--rate 2mbit] [--limit PACKETS]
#                            [--backend auto|netem|tun]
#   scripts/netem.sh set NAME [same shape options]  change the link (unnamed options keep their value;
#                                                   --jitter 0ms, --loss 0%, --rate none clear one)
#   scripts/netem.sh cut NAME [--mode loss|down]    stop all traffic: 100 % loss both ways, or side B's link down
#   scripts/netem.sh restore NAME                   undo cut: the link as `up`/`set` last shaped it
#   scripts/netem.sh show NAME                      addresses, shape, backend
#   scripts/netem.sh down NAME                      remove both namespaces and everything in them
#
# Side A is namespace NAME-a with 10.77.0.1/30, side B is NAME-b with 10.77.0.2/30, interface `link0` in each,
# loopback up in each. The /30 exists only inside the two namespaces: there is no route to or from the host's
# interfaces, so nothing sent on the link can leave it. Delay applies per direction (RTT = 2 x delay); jitter
# reorders packets, as netem does. Run a program on a side with `ip netns exec NAME-a CMD…`.
# Backends: `netem` = a veth pair with the kernel's netem qdisc on both ends; `tun` = a TUN device on each side
# and scripts/netem-link.py carrying packets between them with the same model, for kernels built without
# sch_netem. `auto` (default) takes netem when the kernel has it. `up` and `down` are idempotent.
# Needs root and iproute2 (ip, tc); the tun backend also needs python3 and /dev/net/tun.
set -euo pipefail

readonly ADDR_A=10.77.0.1 ADDR_B=10.77.0.2 PREFIX=30 IFACE=link0
readonly STATE_DIR=/run/outpost-netem
readonly LINK_DAEMON="$(cd "$(dirname "$0")" && pwd)/netem-link.py"

die() {
  echo "netem: $*" >&2
  exit 1
}
usage() {
  echo "netem: $*" >&2
  echo "usage: scripts/netem.sh up|set|cut|restore|show|down NAME [--delay 75ms] [--jitter 10ms] [--loss 1%] [--rate 2mbit]" >&2
  exit 2
}

[ $# -ge 1 ] || usage "give a command"
cmd=$1
shift
case "$cmd" in
  up | set | cut | restore | show | down) ;;
  -h | --help | help)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) usage "unknown command \"$cmd\"" ;;
esac
[ $# -ge 1 ] || usage "give the link NAME"
name=$1
shift
[[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,29}$ ]] || usage "bad NAME \"$name\": 1-30 characters of a-z, 0-9 and -"
readonly NS_A="$name-a" NS_B="$name-b" STATE="$STATE_DIR/$name"

[ "$(id -u)" = 0 ] || die "needs root (network namespaces and tc): run it as root or with sudo"
command -v ip >/dev/null && command -v tc >/dev/null ||
  die "ip and tc not found: install iproute2 (apt-get install -y iproute2)"

# The shape: what `up`/`set` were given, merged over what the state file holds.
delay=0ms jitter=0ms loss=0% rate=none limit=1000 backend=auto cut=none mode=loss gen=0
if [ -f "$STATE" ]; then
  while IFS='=' read -r key value; do
    case "$key" in
      delay) delay=$value ;;
      jitter) jitter=$value ;;
      loss) loss=$value ;;
      rate) rate=$value ;;
      limit) limit=$value ;;
      backend) backend=$value ;;
      cut) cut=$value ;;
      gen) gen=$value ;;
    esac
  done <"$STATE"
fi
readonly known_backend=$([ -f "$STATE" ] && echo "$backend" || echo "")

time_re='^[0-9]+(\.[0-9]+)?(us|ms|s)$'
# check VALUE REGEX WHAT: a usage error unless VALUE matches.
check() { [[ "$1" =~ $2 ]] || usage "bad $3 \"$1\""; }
while [ $# -gt 0 ]; do
  opt=$1
  [ $# -ge 2 ] || usage "$opt needs a value"
  value=$2
  shift 2
  case "$opt" in
    --mode) [ "$cmd" = cut ] || usage "--mode goes with cut" ;;
    --backend) [ "$cmd" = up ] || usage "--backend goes with up" ;;
    --delay | --jitter | --loss | --rate | --limit)
      [ "$cmd" = up ] || [ "$cmd" = set ] || usage "$opt goes with up or set"
      ;;
    *) usage "unknown option $opt" ;;
  esac
  case "$opt" in
    --delay) check "$value" "$time_re" "--delay (e.g. 75ms)" && delay=$value ;;
    --jitter) check "$value" "$time_re" "--jitter (e.g. 10ms)" && jitter=$value ;;
    --loss) check "$value" '^[0-9]+(\.[0-9]+)?%$' "--loss (a percentage, e.g. 0.5%)" && loss=$value ;;
    --rate) check "$value" '^(none|[0-9]+(\.[0-9]+)?(bit|kbit|mbit|gbit))$' "--rate (e.g. 2mbit, 512kbit or none)" && rate=$value ;;
    --limit) check "$value" '^[1-9][0-9]{0,6}$' "--limit (packets, e.g. 1000)" && limit=$value ;;
    --mode) check "$value" '^(loss|down)$' "--mode (loss or down)" && mode=$value ;;
    --backend) check "$value" '^(auto|netem|tun)$' "--backend (auto, netem or tun)" && backend=$value ;;
  esac
done
[ -z "$known_backend" ] || [ "$backend" = "$known_backend" ] ||
  die "link $name is up with the $known_backend backend: run scripts/netem.sh down $name first"

ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }
require_up() {
  ns_exists "$NS_A" && ns_exists "$NS_B" && [ -f "$STATE" ] ||
    die "link $name is not up: run scripts/netem.sh up $name first"
}

# Every save is a new generation; the tun backend's link process acknowledges the one it applied.
save_state() {
  mkdir -p "$STATE_DIR"
  gen=$((gen + 1))
  printf 'delay=%s\njitter=%s\nloss=%s\nrate=%s\nlimit=%s\nbackend=%s\ncut=%s\ngen=%s\n' \
    "$delay" "$jitter" "$loss" "$rate" "$limit" "$backend" "$cut" "$gen" >"$STATE.tmp"
  mv "$STATE.tmp" "$STATE"
}

# --- netem backend: veth pair, netem qdisc on each end ----------------------------------------------------------

netem_shape() {
  local ns=$1 with_loss=$2 args=(delay "$delay")
  [ "$jitter" != 0ms ] && args+=("$jitter")
  args+=(loss "$with_loss")
  [ "$rate" != none ] && args+=(rate "$rate")
  args+=(limit "$limit")
  tc -n "$ns" qdisc replace dev "$IFACE" root netem "${args[@]}" 2>"$STATE.tc-err" ||
    die "tc netem failed on $ns: $(head -1 "$STATE.tc-err")"
}

kernel_has_netem() {
  tc -n "$NS_A" qdisc add dev lo root netem delay 0ms 2>/dev/null || return 1
  tc -n "$NS_A" qdisc del dev lo root 2>/dev/null || true
}

# --- tun backend: a TUN device on each side, netem-link.py carries the packets ---------------------------------

daemon_pid() {
  local pid
  pid=$(cat "$STATE.pid" 2>/dev/null) || return 1
  # The pid must still be this link's process (not a reused pid).
  [ -n "$pid" ] && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"netem-link.py $name "* ]] && echo "$pid"
}

tun_attached() { ip -n "$1" link show "$IFACE" 2>/dev/null | grep -q LOWER_UP; }

# Waits until the link process runs with the state file's current generation.
tun_wait_applied() {
  for _ in $(seq 200); do
    [ "$(cat "$STATE.applied" 2>/dev/null)" = "$gen" ] && return
    sleep 0.025
  done
  die "the link process did not take the new shape within 5 s: $(tail -1 "$STATE.log")"
}

tun_start() {
  local pid
  if pid=$(daemon_pid); then
    kill -HUP "$pid"
    tun_wait_applied
    return
  fi
  command -v python3 >/dev/null || die "the kernel has no sch_netem and python3 is missing: install python3"
  [ -c /dev/net/tun ] || die "the kernel has no sch_netem and /dev/net/tun is missing"
  setsid python3 "$LINK_DAEMON" "$name" </dev/null >"$STATE.log" 2>&1 &
  echo $! >"$STATE.pid"
  for _ in $(seq 100); do
    if tun_attached "$NS_A" && tun_attached "$NS_B"; then
      tun_wait_applied
      return
    fi
    kill -0 "$(cat "$STATE.pid")" 2>/dev/null || die "the link process failed: $(tail -1 "$STATE.log")"
    sleep 0.05
  done
  die "the link process did not attach to both sides within 5 s: $(tail -1 "$STATE.log")"
}

tun_stop() {
  local pid
  if pid=$(daemon_pid); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -f "$STATE.pid" "$STATE.applied"
}

# --- commands ---------------------------------------------------------------------------------------------------

links_up() {
  for ns in "$NS_A" "$NS_B"; do
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$IFACE" up
  done
}

# Applies the shape (and a loss cut, if any) to whichever backend carries the link.
apply() {
  if [ "$backend" = netem ]; then
    local with_loss=$loss
    [ "$cut" = loss ] && with_loss=100%
    netem_shape "$NS_A" "$with_loss"
    netem_shape "$NS_B" "$with_loss"
  else
    tun_start
  fi
}

describe() {
  echo "$name: $NS_A $ADDR_A <-> $NS_B $ADDR_B, delay $delay jitter $jitter loss $loss rate $rate per direction ($backend)"
}

case "$cmd" in
  up)
    mkdir -p "$STATE_DIR"
    for ns in "$NS_A" "$NS_B"; do ns_exists "$ns" || ip netns add "$ns"; done
    if [ "$backend" = auto ]; then
      if kernel_has_netem; then backend=netem; else backend=tun; fi
    fi
    # Both ends must be what this backend makes; anything else (half-made, other kind) is replaced.
    kind=$([ "$backend" = netem ] && echo veth || echo tun)
    if ! ip -n "$NS_A" -d link show "$IFACE" 2>/dev/null | grep -qw "$kind" ||
      ! ip -n "$NS_B" -d link show "$IFACE" 2>/dev/null | grep -qw "$kind"; then
      tun_stop
      ip -n "$NS_A" link del "$IFACE" 2>/dev/null || true
      ip -n "$NS_B" link del "$IFACE" 2>/dev/null || true
      if [ "$backend" = netem ]; then
        ip link add "$IFACE" netns "$NS_A" type veth peer name "$IFACE" netns "$NS_B"
      else
        ip -n "$NS_A" tuntap add dev "$IFACE" mode tun
        ip -n "$NS_B" tuntap add dev "$IFACE" mode tun
      fi
    fi
    ip -n "$NS_A" addr replace "$ADDR_A/$PREFIX" dev "$IFACE"
    ip -n "$NS_B" addr replace "$ADDR_B/$PREFIX" dev "$IFACE"
    links_up
    cut=none
    save_state
    apply
    describe
    ;;
  set)
    require_up
    save_state
    apply
    describe
    ;;
  cut)
    require_up
    if [ "$mode" = down ]; then
      ip -n "$NS_B" link set "$IFACE" down
    else
      cut=loss
      save_state
      apply
    fi
    echo "$name: cut ($mode)"
    ;;
  restore)
    require_up
    cut=none
    save_state
    links_up
    apply
    describe
    ;;
  show)
    require_up
    describe
    [ "$cut" = none ] || echo "$name: cut ($cut)"
    for ns in "$NS_A" "$NS_B"; do
      echo "[$ns]"
      ip -n "$ns" -brief addr show
      if [ "$backend" = netem ]; then tc -n "$ns" qdisc show dev "$IFACE"; fi
    done
    ;;
  down)
    tun_stop
    for ns in "$NS_A" "$NS_B"; do
      if ns_exists "$ns"; then ip netns del "$ns"; fi
    done
    rm -f "$STATE" "$STATE.tmp" "$STATE.tc-err" "$STATE.log" "$STATE.applied"
    echo "$name: down"
    ;;
esac
