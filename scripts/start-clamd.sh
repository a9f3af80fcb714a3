#!/usr/bin/env bash
# Starts a private clamd on loopback for the malware analyzer's tests, with a signature database
# this script writes (no freshclam, no internet):
#   sekisho-test.hsb  SHA-256 hash signature of samples/hash-sample.bin (HashString:FileSize:Name)
#   sekisho-test.hdb  MD5 hash signature of the same file
#   sekisho-test.ndb  body signatures: a marker string anywhere in a file, and the EICAR test string
#                     at offset 0 (ClamAV ships EICAR detection only in its downloaded main database)
# Formats: https://docs.clamav.net/manual/Signatures/HashSignatures.html and
#          https://docs.clamav.net/manual/Signatures/BodySignatureFormat.html
#
# Usage: scripts/start-clamd.sh <work-dir>
# Prints KEY=VALUE lines on success: CLAMD_PID, CLAMD_SOCKET (unix:///…), CLAMD_TCP (tcp://127.0.0.1:port),
# CLAMD_HASH_SAMPLE, CLAMD_BODY_MARKER, CLAMD_STREAM_MAX. Exit 3 when clamd is not installed.
# Stop it with `kill <CLAMD_PID>`.
set -euo pipefail

work="${1:?usage: start-clamd.sh <work-dir>}"
clamd_bin="${CLAMD_BIN:-$(command -v clamd || echo /usr/sbin/clamd)}"
node_bin="${NODE_BIN:-$(command -v node || true)}"
[ -x "$clamd_bin" ] || { echo "clamd is not installed (apt-get install clamav-daemon)" >&2; exit 3; }
[ -n "$node_bin" ] || { echo "node is needed to pick a port and to ping clamd" >&2; exit 2; }

mkdir -p "$work/db" "$work/samples" "$work/tmp"
work="$(cd "$work" && pwd)"

# A harmless file that only this database calls malware.
printf 'Sekisho clamd hash-signature sample. Not malware.\n' > "$work/samples/hash-sample.bin"
size=$(wc -c < "$work/samples/hash-sample.bin" | tr -d ' ')
sha=$(sha256sum "$work/samples/hash-sample.bin" | cut -d' ' -f1)
md5=$(md5sum "$work/samples/hash-sample.bin" | cut -d' ' -f1)
printf '%s:%s:Sekisho.Test.HashSample\n' "$sha" "$size" > "$work/db/sekisho-test.hsb"
printf '%s:%s:Sekisho.Test.HashSampleMd5\n' "$md5" "$size" > "$work/db/sekisho-test.hdb"

marker='SEKISHO-CLAMD-BODY-MARKER-7f3a'
marker_hex=$(printf '%s' "$marker" | od -An -tx1 | tr -d ' \n')
# The EICAR string, assembled so this script is not itself a test file.
eicar_hex=$(printf '%s%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-' 'TEST-FILE!$H+H*' | od -An -tx1 | tr -d ' \n')
{
  printf 'Sekisho.Test.BodyMarker:0:*:%s\n' "$marker_hex"
  printf 'Sekisho.Test.EICAR:0:0:%s\n' "$eicar_hex"
} > "$work/db/sekisho-test.ndb"

port=$("$node_bin" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
stream_max=$((2 * 1024 * 1024))
cat > "$work/clamd.conf" <<EOF
Foreground yes
LocalSocket $work/clamd.sock
TCPSocket $port
TCPAddr 127.0.0.1
DatabaseDirectory $work/db
TemporaryDirectory $work/tmp
LogFile $work/clamd.log
LogVerbose no
PidFile $work/clamd.pid
StreamMaxLength $stream_max
MaxThreads 2
ReadTimeout 20
CommandReadTimeout 10
SelfCheck 0
EOF

"$clamd_bin" --config-file="$work/clamd.conf" > "$work/clamd.out" 2>&1 &
pid=$!

# Wait until both sockets answer PING (a small database loads in a second or two).
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "clamd exited during start-up:" >&2
    tail -n 20 "$work/clamd.out" "$work/clamd.log" >&2 2>/dev/null || true
    exit 1
  fi
  if "$node_bin" -e '
    const net = require("net");
    const ping = (opts) => new Promise((ok) => {
      const s = net.createConnection(opts); let r = "";
      s.on("connect", () => s.write("zPING\0"));
      s.on("data", (d) => { r += d; if (r.includes("\0")) { s.destroy(); ok(r.startsWith("PONG")); } });
      s.on("error", () => ok(false)); setTimeout(() => { s.destroy(); ok(false); }, 1000);
    });
    Promise.all([ping({ path: process.argv[1] }), ping({ host: "127.0.0.1", port: Number(process.argv[2]) })])
      .then((r) => process.exit(r.every(Boolean) ? 0 : 1));
  ' "$work/clamd.sock" "$port" 2>/dev/null; then
    echo "CLAMD_PID=$pid"
    echo "CLAMD_SOCKET=unix://$work/clamd.sock"
    echo "CLAMD_TCP=tcp://127.0.0.1:$port"
    echo "CLAMD_HASH_SAMPLE=$work/samples/hash-sample.bin"
    echo "CLAMD_BODY_MARKER=$marker"
    echo "CLAMD_STREAM_MAX=$stream_max"
    exit 0
  fi
  sleep 0.5
done
echo "clamd did not answer PING within 60 s" >&2
kill "$pid" 2>/dev/null || true
exit 1
