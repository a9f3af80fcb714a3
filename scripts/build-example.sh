#!/usr/bin/env bash
# Builds examples/hello-app.oci.tar, the image the README's first command scans. It is committed,
# so the README works on a machine without network; run this only to refresh it.
#   layer 0: real Debian bookworm packages, unpacked with dpkg-deb and recorded in dpkg's
#            status file (as distroless builders do: no maintainer scripts run)
#   layer 1: an app with real npm packages, old versions on purpose
#   layer 2: a .env file with a (fake) token
#   layer 3: the .env deleted again — its content stays in layer 2
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000
PKGS="base-files netbase zlib1g libssl3 ca-certificates"

mkdir -p "$WORK/debs" "$WORK/rootfs/var/lib/dpkg/info"
(cd "$WORK/debs" && apt-get download $PKGS >/dev/null)
: > "$WORK/rootfs/var/lib/dpkg/status"
for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$WORK/rootfs"
  name=$(dpkg-deb -f "$deb" Package)
  arch=$(dpkg-deb -f "$deb" Architecture)
  { echo "Package: $name"; echo "Status: install ok installed"; dpkg-deb -f "$deb" | grep -v '^Package:'; echo; } >> "$WORK/rootfs/var/lib/dpkg/status"
  # dpkg qualifies list files with the architecture for Multi-Arch: same packages only
  list="$name"; [ "$(dpkg-deb -f "$deb" Multi-Arch)" = same ] && list="$name:$arch"
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#; s#/$##' | grep -v '^$' | sed 's#^/$#/.#' > "$WORK/rootfs/var/lib/dpkg/info/$list.list"
done

umoci init --layout "$WORK/oci"
umoci new --image "$WORK/oci:latest"
umoci unpack --image "$WORK/oci:latest" "$WORK/bundle" >/dev/null
cp -a "$WORK/rootfs/." "$WORK/bundle/rootfs/"
umoci repack --refresh-bundle --image "$WORK/oci:latest" --history.created_by "COPY rootfs / # debian bookworm: $PKGS" --history.created 2024-01-01T00:00:00Z "$WORK/bundle"

mkdir -p "$WORK/app"
printf '{"name":"hello-app","version":"1.0.0","private":true}\n' > "$WORK/app/package.json"
(cd "$WORK/app" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error lodash@4.17.15 minimist@1.2.0 >/dev/null)
printf 'console.log("hello")\n' > "$WORK/app/server.js"
mkdir -p "$WORK/bundle/rootfs/app" && cp -a "$WORK/app/." "$WORK/bundle/rootfs/app/"
umoci repack --refresh-bundle --image "$WORK/oci:latest" --history.created_by "COPY app/ /app/ # npm install lodash@4.17.15 minimist@1.2.0" --history.created 2024-01-01T00:00:00Z "$WORK/bundle"

printf 'GITHUB_TOKEN=ghp_Q3vX8bN2mK7pL4sW9tR1yU6iO0aE5dF3gH2j\n' > "$WORK/bundle/rootfs/app/.env"
umoci repack --refresh-bundle --image "$WORK/oci:latest" --history.created_by "COPY .env /app/.env" --history.created 2024-01-01T00:00:00Z "$WORK/bundle"
rm "$WORK/bundle/rootfs/app/.env"
umoci repack --refresh-bundle --image "$WORK/oci:latest" --history.created_by "RUN rm /app/.env" --history.created 2024-01-01T00:00:00Z "$WORK/bundle"

umoci config --image "$WORK/oci:latest" --history.created 2024-01-01T00:00:00Z --history.created_by config --config.workingdir /app --config.cmd node --config.cmd server.js --config.exposedports 3000/tcp
umoci gc --layout "$WORK/oci"
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -C "$WORK/oci" -cf "$ROOT/examples/hello-app.oci.tar" .
echo "wrote examples/hello-app.oci.tar ($(du -h "$ROOT/examples/hello-app.oci.tar" | cut -f1))"
