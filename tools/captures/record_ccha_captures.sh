#!/usr/bin/env bash
# Re-records captures/ccha-*.pcap: loopback traffic on TCP 2014 between real
# programs from Debian 12 packages.  Needs root (dumpcap on lo) and:
#   tshark (dumpcap), openssl, mariadb-server + mariadb-client,
#   openjdk-17-jdk-headless (java, javac, rmiregistry), python3, curl
# Usage: sudo tools/captures/record_ccha_captures.sh [name...]   (names: tls mysql rmi
#        javaser http heartbeat lenprefix opaque; default: all)
# Each recording takes a few seconds; the capture filter keeps only port 2014.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$TOP/captures}
PORT=2014
PEERS=$TOP/tools/captures/ccha_peers
WORK=$(mktemp -d /tmp/ccha-rec.XXXXXX)
chmod 755 "$WORK"
CAP_PID=
BG_PIDS=()
cleanup() {
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "run as root (dumpcap on lo)" >&2; exit 1; }

wait_port() {   # wait until something listens on 127.0.0.1:$PORT
    for _ in $(seq 100); do
        ss -Hltn "sport = :$PORT" | grep -q . && return 0
        sleep 0.1
    done
    echo "nothing listens on $PORT" >&2; return 1
}

start_capture() {
    dumpcap -i lo -f "tcp port $PORT" -P -w "$WORK/$1.pcap" 2>"$WORK/$1.dumpcap.log" &
    CAP_PID=$!
    for _ in $(seq 100); do
        grep -q "Capturing on" "$WORK/$1.dumpcap.log" && { sleep 0.2; return 0; }
        sleep 0.1
    done
    echo "dumpcap did not start" >&2; return 1
}

stop_capture() {
    sleep 0.5
    kill -INT "$CAP_PID"; wait "$CAP_PID" || true; CAP_PID=
    cp "$WORK/$1.pcap" "$OUT/ccha-$1.pcap"
    chmod 644 "$OUT/ccha-$1.pcap"
    echo "== ccha-$1.pcap: $(capinfos -c -M "$OUT/ccha-$1.pcap" | awk -F': *' '/Number of packets/ {print $2}') packets"
}

rec_tls() {   # openssl s_server -www / s_client (GET /), self-signed EC certificate made on the spot
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=ccha-capture -keyout "$WORK/k.pem" -out "$WORK/c.pem" 2>/dev/null
    openssl s_server -accept "$PORT" -naccept 1 -www -cert "$WORK/c.pem" -key "$WORK/k.pem" </dev/null >/dev/null 2>&1 &
    BG_PIDS+=($!); wait_port
    start_capture tls
    (printf 'GET / HTTP/1.0\r\n\r\n'; sleep 0.5) | openssl s_client -connect "127.0.0.1:$PORT" -brief -ign_eof >/dev/null 2>&1
    stop_capture tls
}

rec_mysql() {   # MariaDB server on 2014 with a throw-away data directory; mariadb client runs one query
    mariadb-install-db --no-defaults --user=root --datadir="$WORK/db" --auth-root-authentication-method=normal \
        --skip-test-db >/dev/null 2>&1
    mariadbd --no-defaults --user=root --datadir="$WORK/db" --socket="$WORK/db.sock" --port="$PORT" \
        --bind-address=127.0.0.1 --skip-log-bin --pid-file="$WORK/db.pid" >"$WORK/db.log" 2>&1 &
    local db=$!; BG_PIDS+=($db); wait_port
    start_capture mysql
    mariadb --no-defaults -h 127.0.0.1 -P "$PORT" -u root --skip-ssl -e 'SELECT 1+1 AS two, VERSION() LIKE "%MariaDB%" AS is_mariadb' >/dev/null
    stop_capture mysql
    kill "$db"; wait "$db" || true
}

build_java() {
    [ -f "$WORK/java/RmiList.class" ] && return 0
    mkdir -p "$WORK/java"
    javac -d "$WORK/java" "$PEERS/RmiList.java" "$PEERS/SerialPeer.java"
}

rec_rmi() {   # rmiregistry on 2014, RmiList client calls Registry.list()
    build_java
    rmiregistry -J-Djava.rmi.server.hostname=127.0.0.1 "$PORT" &
    local reg=$!; BG_PIDS+=($reg); wait_port
    start_capture rmi
    java -cp "$WORK/java" RmiList "$PORT" >/dev/null
    stop_capture rmi
    kill "$reg"; wait "$reg" || true
}

rec_javaser() {   # ObjectOutputStream -> ObjectInputStream over 2014
    build_java
    start_capture javaser
    java -cp "$WORK/java" SerialPeer "$PORT" >/dev/null
    stop_capture javaser
}

rec_http() {   # python3 -m http.server on 2014, curl GET
    mkdir -p "$WORK/www"; printf 'ccha capture\n' > "$WORK/www/index.html"
    /usr/bin/python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/www" >/dev/null 2>&1 &
    local web=$!; BG_PIDS+=($web); wait_port
    start_capture http
    curl -s -o /dev/null "http://127.0.0.1:$PORT/index.html"
    stop_capture http
    kill "$web"; wait "$web" || true
}

rec_stream() {   # tools/captures/ccha_peers/stream_peer.py modes
    start_capture "$1"
    /usr/bin/python3 "$PEERS/stream_peer.py" "$1" "$PORT"
    stop_capture "$1"
}

mkdir -p "$OUT"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(tls mysql rmi javaser http heartbeat lenprefix opaque)
for n in "${names[@]}"; do
    case $n in
        tls|mysql|rmi|javaser|http) "rec_$n" ;;
        heartbeat|lenprefix|opaque) rec_stream "$n" ;;
        *) echo "unknown capture $n" >&2; exit 1 ;;
    esac
done
