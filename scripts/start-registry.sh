#!/usr/bin/env bash
# Starts a real OCI registry (Debian's docker-registry: distribution v2) on 127.0.0.1 with a free
# port, for tests and the benchmark. It runs in the background; stop it with `kill <pid>`.
#
# Usage: scripts/start-registry.sh DIR [--htpasswd] [--tls] [--mtls]
#   DIR          private working directory (storage, config, certificates); created if missing
#   --htpasswd   require basic auth (user "sekisho", password written to DIR/registry.json)
#   --tls        serve HTTPS with a certificate from a test CA made here (DIR/ca.pem)
#   --mtls       like --tls, and require a client certificate (DIR/client.pem, DIR/client-key.pem)
#
# Prints one JSON line and writes it to DIR/registry.json:
#   {"host":"127.0.0.1:PORT","pid":N,"scheme":"http|https","ca":…,"clientCert":…,"clientKey":…,"username":…,"password":…}
# Needs: docker-registry (apt-get install -y docker-registry), htpasswd for --htpasswd
# (apt-get install -y apache2-utils), openssl for --tls.
set -euo pipefail

DIR="${1:?usage: start-registry.sh DIR [--htpasswd] [--tls] [--mtls]}"
shift
HTPASSWD=0 TLS=0 MTLS=0
for arg in "$@"; do
  case "$arg" in
    --htpasswd) HTPASSWD=1 ;;
    --tls) TLS=1 ;;
    --mtls) TLS=1 MTLS=1 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

REGISTRY="$(command -v docker-registry || true)"
[ -n "$REGISTRY" ] || { echo "missing docker-registry: apt-get install -y docker-registry" >&2; exit 3; }
mkdir -p "$DIR/data"
DIR="$(cd "$DIR" && pwd)"

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}
PORT="$(free_port)"

CONFIG="$DIR/config.yml"
cat >"$CONFIG" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
EOF

CA=null CLIENT_CERT=null CLIENT_KEY=null SCHEME=http
if [ "$TLS" = 1 ]; then
  command -v openssl >/dev/null || { echo "missing openssl" >&2; exit 3; }
  (
    cd "$DIR"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Sekisho Test CA" \
      -keyout ca-key.pem -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server.pem 2>/dev/null
    if [ "$MTLS" = 1 ]; then
      openssl req -newkey rsa:2048 -nodes -subj "/CN=sekisho-client" -keyout client-key.pem -out client.csr 2>/dev/null
      printf 'extendedKeyUsage=clientAuth\n' >client.ext
      openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out client.pem 2>/dev/null
    fi
  )
  cat >>"$CONFIG" <<EOF
  tls:
    certificate: $DIR/server.pem
    key: $DIR/server-key.pem
EOF
  if [ "$MTLS" = 1 ]; then
    printf '    clientcas:\n      - %s\n' "$DIR/ca.pem" >>"$CONFIG"
    CLIENT_CERT="\"$DIR/client.pem\"" CLIENT_KEY="\"$DIR/client-key.pem\""
  fi
  CA="\"$DIR/ca.pem\"" SCHEME=https
fi

USERNAME=null PASSWORD=null
if [ "$HTPASSWD" = 1 ]; then
  command -v htpasswd >/dev/null || { echo "missing htpasswd: apt-get install -y apache2-utils" >&2; exit 3; }
  PASS="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  # distribution accepts bcrypt entries only
  htpasswd -Bbn sekisho "$PASS" >"$DIR/htpasswd"
  cat >>"$CONFIG" <<EOF
auth:
  htpasswd:
    realm: sekisho-test
    path: $DIR/htpasswd
EOF
  USERNAME='"sekisho"' PASSWORD="\"$PASS\""
fi

nohup "$REGISTRY" serve "$CONFIG" >"$DIR/registry.log" 2>&1 </dev/null &
PID=$!

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    INFO="{\"host\":\"127.0.0.1:$PORT\",\"pid\":$PID,\"scheme\":\"$SCHEME\",\"ca\":$CA,\"clientCert\":$CLIENT_CERT,\"clientKey\":$CLIENT_KEY,\"username\":$USERNAME,\"password\":$PASSWORD}"
    echo "$INFO" >"$DIR/registry.json"
    echo "$INFO"
    exit 0
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "docker-registry exited:" >&2
    cat "$DIR/registry.log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "docker-registry did not start listening on 127.0.0.1:$PORT" >&2
kill "$PID" 2>/dev/null || true
exit 1
