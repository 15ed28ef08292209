#!/bin/bash
# Record the real-carrier captures of CGP and ICA: a Python ssl / Debian
# python3-websockets client and server (tools/captures/cgp_peers.py) on the
# loopback of a private network namespace whose MTU is 1500, so TLS records
# span TCP segments; dumpcap records lo; the TLS keys the client logged are
# embedded with editcap --inject-secrets.
#
#   sudo bash tools/captures/record_cgp_carriers.sh [outdir [name...]]   (default captures/, all)
#
# Writes ica-tls.pcapng (the SPIKE ICA session directly in TLS on 443),
# cgp-tls.pcapng (the SPIKE session inside CGP inside TLS on 443) and
# cgp-ws.pcapng (the same CGP bytes in WebSocket binary messages on 8080),
# cgp-ws-split.pcapng (the same, written in messages of cycling sizes that cut
# records across messages) and
# socks-tls.pcapng (SOCKS v5 with the STA ticket, then the SPIKE ICA session,
# in TLS on 443: the Gateway path with Session Reliability off).
# Needs root (unshare -n) and Debian 12 packages: tshark (dumpcap, editcap),
# openssl, iproute2, python3-websockets.  Keys, ports and timing differ on
# every run, so the committed files are the reference the tests check.
# Debian's /usr/bin/python3 runs the peers (its python3-websockets).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$TOP/captures}
shift || true
WANT=" ${*:-ica-tls cgp-tls cgp-ws cgp-ws-split socks-tls} "
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
W=$(mktemp -d /tmp/cgp-rec.XXXXXX)
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 2 \
    -subj /CN=vda.example >/dev/null 2>&1

record() {   # name mode port
    local name=$1 mode=$2 port=$3
    case "$WANT" in *" $mode "*) ;; *) return 0 ;; esac
    rm -f "$W/keys.txt" "$W/raw.pcapng"
    unshare -n bash -s "$W" "$mode" "$port" "$TOP" <<'EOF'
set -euo pipefail
W=$1 MODE=$2 PORT=$3 TOP=$4
ip link set lo mtu 1500 up
# no ethtool here: stop the loopback from building GSO super-packets, so
# what dumpcap sees is what a 1500-byte link carries
ip link set lo gso_max_segs 1 gso_max_size 1500
dumpcap -q -i lo -f "tcp port $PORT" -w "$W/raw.pcapng" &
DC=$!
# dumpcap is ready once the file exists
for _ in $(seq 50); do [ -s "$W/raw.pcapng" ] && break; sleep 0.1; done
sleep 0.5
/usr/bin/python3 "$TOP/tools/captures/cgp_peers.py" --mode "$MODE" --port "$PORT" \
    --keylog "$W/keys.txt" --cert "$W/cert.pem" --key "$W/key.pem"
sleep 0.5
kill -INT $DC
wait $DC || true
EOF
    if [ -s "$W/keys.txt" ]; then
        editcap --inject-secrets "tls,$W/keys.txt" "$W/raw.pcapng" "$OUT/$name"
    else
        cp "$W/raw.pcapng" "$OUT/$name"
    fi
    chmod 644 "$OUT/$name"
    echo "wrote $OUT/$name ($(capinfos -c "$OUT/$name" | awk '/Number of packets/ {print $NF}') frames)"
}

record ica-tls.pcapng ica-tls 443
record cgp-tls.pcapng cgp-tls 443
record socks-tls.pcapng socks-tls 443
if /usr/bin/python3 -c "import websockets" 2>/dev/null; then
    record cgp-ws.pcapng cgp-ws 8080
    record cgp-ws-split.pcapng cgp-ws-split 8080
else
    echo "python3-websockets not installed: cgp-ws.pcapng, cgp-ws-split.pcapng not recorded" >&2
fi
