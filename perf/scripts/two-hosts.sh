#!/usr/bin/env bash
# Two test hosts on this machine: network namespaces rs-src and rs-dst joined by a veth pair, each end shaped to
# 10 Gbit/s with tbf (netem is not in this kernel; see ../shared/facts/machine.md). Needs root.
#   two-hosts.sh up      create (idempotent)
#   two-hosts.sh down    remove everything this script created
set -euo pipefail
SRC=rs-src DST=rs-dst
SRC_IP=10.231.0.1 DST_IP=10.231.0.2
RATE="${RAMSHIFT_LINK_RATE:-10gbit}"
case "${1:-}" in
  up)
    command -v ip >/dev/null || { apt-get update -qq && apt-get install -y -qq iproute2; }
    ip netns list | grep -qw "$SRC" && ip netns list | grep -qw "$DST" && exit 0
    ip netns add "$SRC"
    ip netns add "$DST"
    ip link add rs-veth-src type veth peer name rs-veth-dst
    ip link set rs-veth-src netns "$SRC"
    ip link set rs-veth-dst netns "$DST"
    ip -n "$SRC" addr add "$SRC_IP/24" dev rs-veth-src
    ip -n "$DST" addr add "$DST_IP/24" dev rs-veth-dst
    for ns in "$SRC" "$DST"; do
      ip -n "$ns" link set lo up
    done
    ip -n "$SRC" link set rs-veth-src up
    ip -n "$DST" link set rs-veth-dst up
    ip netns exec "$SRC" tc qdisc add dev rs-veth-src root tbf rate "$RATE" burst 8mb latency 50ms
    ip netns exec "$DST" tc qdisc add dev rs-veth-dst root tbf rate "$RATE" burst 8mb latency 50ms
    # the link answers: a TCP connect to a port nobody listens on is refused at once
    ip netns exec "$SRC" bash -c "exec 3<>/dev/tcp/$DST_IP/9" 2>/dev/null || true
    echo "two hosts up: $SRC ($SRC_IP) <-> $DST ($DST_IP), $RATE each way"
    ;;
  down)
    ip netns del "$SRC" 2>/dev/null || true
    ip netns del "$DST" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
