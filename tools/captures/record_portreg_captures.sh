#!/bin/bash
# Record captures/portreg-real-loopback.pcap: real Debian 12 servers and
# clients talking over 127.0.0.1 and ::1, captured with dumpcap on lo.
#
#   sudo bash tools/captures/record_portreg_captures.sh [out.pcap]
#
# Needs root (binds ports < 1024, captures on lo) and these Debian packages:
#   dnsmasq-base bind9-dnsutils lighttpd openssl curl openssh-server
#   openssh-client chrony ntpsec-ntpdate socat tshark
# Ephemeral client ports differ on every run, so the committed capture is the
# reference the tests check; re-recording means re-checking those tests.
# SCTP and DCCP are not recordable here (the sandbox kernel refuses the
# sockets); tools/captures/build_portreg_captures.py generates them instead.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$TOP/captures/portreg-real-loopback.pcap}
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }

W=$(mktemp -d /tmp/portreg-rec.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT
bg() { "$@" & PIDS+=($!); }

# --- servers -----------------------------------------------------------------
# DNS (udp+tcp 53): dnsmasq answering one name from its own config
bg dnsmasq --no-daemon --conf-file=/dev/null --port=53 --listen-address=127.0.0.1,::1 --bind-interfaces \
    --no-resolv --no-hosts --address=/portreg.test/192.0.2.7 --pid-file="$W/dnsmasq.pid" --user=root
# HTTP (tcp 80): lighttpd serving one file
mkdir -p "$W/www" && echo "portreg test page" > "$W/www/index.html"
cat > "$W/lighttpd.conf" <<EOF
server.document-root = "$W/www"
server.port = 80
server.bind = "127.0.0.1"
server.pid-file = "$W/lighttpd.pid"
server.errorlog = "$W/lighttpd.err"
index-file.names = ( "index.html" )
EOF
bg lighttpd -D -f "$W/lighttpd.conf"
# HTTP on a Dynamic port (tcp 55555): Debian's python3 http.server
bg /usr/bin/python3 -m http.server 55555 --bind 127.0.0.1 --directory "$W/www"
bg /usr/bin/python3 -m http.server 55556 --bind ::1 --directory "$W/www"
# TLS (tcp 443): openssl s_server with a throw-away self-signed key
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 2 \
    -subj /CN=portreg.test >/dev/null 2>&1
bg openssl s_server -quiet -accept 127.0.0.1:443 -cert "$W/cert.pem" -key "$W/key.pem" -www
# TLS on 8443 over IPv6 (IANA pcsync-https; de facto Command Center GUI port)
bg openssl s_server -quiet -accept '[::1]:8443' -cert "$W/cert.pem" -key "$W/key.pem" -www
# SSH (tcp 22): sshd with fresh host keys
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
mkdir -p /run/sshd
bg /usr/sbin/sshd -D -e -p 22 -o ListenAddress=127.0.0.1 -o HostKey="$W/hostkey" -o PidFile="$W/sshd.pid" \
    -o UsePAM=no
# NTP (udp 123): chronyd serving its local clock
cat > "$W/chrony.conf" <<EOF
local stratum 10
allow 127.0.0.1
bindaddress 127.0.0.1
cmdport 0
pidfile $W/chronyd.pid
driftfile $W/drift
EOF
bg chronyd -d -x -f "$W/chrony.conf"
# A plain TCP service on an Unassigned port (tcp 4), and on 2014
bg socat TCP-LISTEN:4,bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo hello-from-port-4'
bg socat TCP-LISTEN:2014,bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo hello-from-port-2014'
sleep 2

# --- capture -----------------------------------------------------------------
FILTER="(host 127.0.0.1 or host ::1) and (port 53 or port 80 or port 55555 or port 55556 or port 443 or port 8443 or port 22 or port 123 or port 4 or port 2014 or port 9)"
dumpcap -q -i lo -f "$FILTER" -P -w "$W/rec.pcap" &
DUMPCAP=$!
sleep 2

# --- clients -----------------------------------------------------------------
dig +tries=1 +time=2 @127.0.0.1 portreg.test A >/dev/null
dig +tcp +tries=1 +time=2 @127.0.0.1 portreg.test A >/dev/null
curl -s -o /dev/null http://127.0.0.1/
curl -s -o /dev/null http://127.0.0.1:55555/
curl -sk -o /dev/null https://127.0.0.1/
timeout 10 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -p 22 nobody@127.0.0.1 true >/dev/null 2>&1 || true
ntpdate -q 127.0.0.1 >/dev/null 2>&1 || true
socat -u TCP:127.0.0.1:4 - >/dev/null
socat -u TCP:127.0.0.1:2014 - >/dev/null
# nobody listens on tcp 9: the kernel answers with RST
socat -u TCP:127.0.0.1:9 - >/dev/null 2>&1 || true
# IPv6
dig +tries=1 +time=2 @::1 portreg.test AAAA >/dev/null
curl -s -o /dev/null 'http://[::1]:55556/'
curl -sk -o /dev/null 'https://[::1]:8443/'
sleep 2
kill "$DUMPCAP"; wait "$DUMPCAP" 2>/dev/null || true

cp "$W/rec.pcap" "$OUT"
chmod 644 "$OUT"
tshark -n -r "$OUT" -q -z conv,tcp -z conv,udp -z conv,ipv6 | grep -E "<->" || true
echo "wrote $OUT ($(tshark -r "$OUT" | wc -l) frames)"
