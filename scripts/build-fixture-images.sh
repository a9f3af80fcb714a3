#!/usr/bin/env bash
# Builds the real images the end-to-end tests and the benchmark read: root file systems from
# Debian's archive (mmdebstrap), npm packages from the npm registry, assembled into layered OCI
# layouts with umoci (which computes each layer's diff, whiteouts included) and exported as
# docker-archives with skopeo. No Docker engine is involved.
#
# Output: .fixtures/images/<name>/{oci/,image.tar} under the repository root. Each image is
# rebuilt when this script changes (a stamp holds the script's hash).
#
# Usage: scripts/build-fixture-images.sh [--bench] [name...]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${SEKISHO_FIXTURES_DIR:-$ROOT/.fixtures/images}"
WORK="${SEKISHO_FIXTURES_WORK:-${OUT%/}.work}"   # per build: the script removes it at the end
SCRIPT_HASH="$(sha256sum "$0" | cut -c1-16)"
SUITE=bookworm
MIRROR="${SEKISHO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$OUT" "$WORK"

need() { command -v "$1" >/dev/null || { echo "missing $1: apt-get install -y $2" >&2; exit 1; }; }
need mmdebstrap mmdebstrap; need umoci umoci; need skopeo skopeo; need rpmbuild rpm

fresh() { # name → 0 when the image must be (re)built
  [ "$(cat "$OUT/$1/.stamp" 2>/dev/null)" != "$SCRIPT_HASH" ]
}

rootfs() { # name variant packages... → $WORK/<name>.tar
  local name=$1 variant=$2; shift 2
  local include; include=$(IFS=,; echo "$*")
  mmdebstrap --quiet --variant="$variant" ${include:+--include="$include"} \
    --aptopt='Acquire::Retries "3"' --dpkgopt='path-exclude=/usr/share/man/*' \
    "$SUITE" "$WORK/$name.tar" "$MIRROR"
}

# Start an image: an empty OCI layout with one tag, unpacked into a bundle.
start() { # name
  local name=$1
  rm -rf "$WORK/$name.oci" "$WORK/$name.bundle"
  umoci init --layout "$WORK/$name.oci"
  umoci new --image "$WORK/$name.oci:latest"
  umoci unpack --image "$WORK/$name.oci:latest" "$WORK/$name.bundle" >/dev/null
}

commit() { # name "created_by" → a new layer with the bundle's changes
  umoci repack --refresh-bundle --image "$WORK/$1.oci:latest" --history.created_by "$2" --history.created "2024-01-01T00:00:00Z" "$WORK/$1.bundle"
}

replace_rootfs() { # name tarball
  local rootfs="$WORK/$1.bundle/rootfs"
  find "$rootfs" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  tar -xf "$2" -C "$rootfs" --numeric-owner
}

finish() { # name [config flags...]
  local name=$1; shift
  if [ $# -gt 0 ]; then umoci config --image "$WORK/$name.oci:latest" --history.created "2024-01-01T00:00:00Z" --history.created_by "config" "$@"; fi
  umoci gc --layout "$WORK/$name.oci"
  rm -rf "$OUT/$name"
  mkdir -p "$OUT/$name"
  cp -r "$WORK/$name.oci" "$OUT/$name/oci"
  skopeo copy --quiet "oci:$OUT/$name/oci:latest" "docker-archive:$OUT/$name/image.tar:sekisho-fixtures/$name:latest"
  echo "$SCRIPT_HASH" > "$OUT/$name/.stamp"
  rm -rf "$WORK/$name.bundle" "$WORK/$name.oci"
  echo "built $name: $(du -sh "$OUT/$name/oci" | cut -f1) (OCI layout), $(du -sh "$OUT/$name/image.tar" | cut -f1) (docker-archive)"
}

# 1. Debian bookworm minbase, then a layer that adds packages, one that deletes files (and a
#    credentials file added by the layer before), and an app layer with npm packages.
build_debian_app() {
  local name=debian-app
  rootfs "$name-base" minbase
  rootfs "$name-full" minbase curl ca-certificates
  start "$name"
  replace_rootfs "$name" "$WORK/$name-base.tar"
  commit "$name" "ADD rootfs.tar / # mmdebstrap --variant=minbase $SUITE"
  replace_rootfs "$name" "$WORK/$name-full.tar"
  mkdir -p "$WORK/$name.bundle/rootfs/root/.aws"
  printf '[default]\naws_access_key_id = AKIA2E0A8F3B244C9986\naws_secret_access_key = Zq8vT1mPpR0x3kLw9HsY5cN2bUeJ7gAdF4iQo6Vr\n' > "$WORK/$name.bundle/rootfs/root/.aws/credentials"
  commit "$name" "RUN apt-get install -y --no-install-recommends curl ca-certificates"
  rm -rf "$WORK/$name.bundle/rootfs/usr/share/doc/"* "$WORK/$name.bundle/rootfs/var/cache/apt/"* "$WORK/$name.bundle/rootfs/root/.aws"
  commit "$name" "RUN rm -rf /usr/share/doc/* /var/cache/apt/* /root/.aws"
  local app="$WORK/$name-app"
  rm -rf "$app" && mkdir -p "$app"
  printf '{"name":"fixture-app","version":"1.0.0","private":true}\n' > "$app/package.json"
  (cd "$app" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error lodash@4.17.15 minimist@1.2.0 express@4.17.1 >/dev/null)
  mkdir -p "$WORK/$name.bundle/rootfs/app"
  cp -r "$app/." "$WORK/$name.bundle/rootfs/app/"
  commit "$name" "COPY app/ /app/ # npm install lodash@4.17.15 minimist@1.2.0 express@4.17.1"
  finish "$name" --config.user 1000:1000 --config.workingdir /app --config.exposedports 8080/tcp --config.env NODE_ENV=production --config.cmd node --config.cmd server.js
}

# 2. Distroless-style: a few packages, dpkg's database as status.d/ files, no dpkg itself.
build_distroless() {
  local name=distroless
  rootfs "$name" minbase libssl3 ca-certificates tzdata netbase
  start "$name"
  replace_rootfs "$name" "$WORK/$name.tar"
  local rootfs="$WORK/$name.bundle/rootfs" keep="base-files libc6 libssl3 ca-certificates tzdata netbase"
  mkdir -p "$rootfs/var/lib/dpkg/status.d"
  for pkg in $keep; do
    awk -v p="$pkg" 'BEGIN{RS=""; ORS="\n\n"} $0 ~ "(^|\n)Package: " p "\n" {print}' "$rootfs/var/lib/dpkg/status" > "$rootfs/var/lib/dpkg/status.d/$pkg"
  done
  rm -rf "$rootfs/var/lib/dpkg/status" "$rootfs/var/lib/dpkg/status-old" "$rootfs/var/lib/dpkg/info" "$rootfs/usr/bin/dpkg"* "$rootfs/usr/bin/apt"* "$rootfs/bin/sh" "$rootfs/usr/bin/dash"
  commit "$name" "COPY rootfs / # distroless-style: dpkg status.d, no shell, no package manager"
  finish "$name" --config.user 65532:65532
}

# 3. RPM: packages built with rpmbuild, recorded in an rpmdb.sqlite by Debian's rpm tools.
build_rpm() {
  local name=rpm-sqlite top="$WORK/rpmbuild"
  rm -rf "$top" && mkdir -p "$top/SPECS"
  for spec in "hello 1.2.3 4.fx1 2 MIT" "tools 0.9 1 0 Apache-2.0"; do
    set -- $spec
    cat > "$top/SPECS/$1.spec" <<SPEC
Name: sekisho-$1
Version: $2
Release: $3
$( [ "$4" != 0 ] && echo "Epoch: $4" )
Summary: Sekisho fixture package $1
License: $5
BuildArch: noarch
%description
A fixture package for Sekisho's rpm cataloger tests.
%install
mkdir -p %{buildroot}/usr/share/sekisho-$1
echo $1 > %{buildroot}/usr/share/sekisho-$1/README
%files
/usr/share/sekisho-$1/README
SPEC
    rpmbuild --quiet --define "_topdir $top" -bb "$top/SPECS/$1.spec" >/dev/null 2>&1
  done
  start "$name"
  local rootfs="$WORK/$name.bundle/rootfs"
  mkdir -p "$rootfs/etc" "$rootfs/var/lib/rpm"
  printf 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\nPRETTY_NAME="Fedora Linux 40 (Container Image)"\n' > "$rootfs/etc/os-release"
  rpm --root "$rootfs" --dbpath /var/lib/rpm --initdb
  rpm --root "$rootfs" --dbpath /var/lib/rpm -i --nodeps --noscripts --nosignature "$top"/RPMS/*/*.rpm
  rm -f "$rootfs"/var/lib/rpm/rpmdb.sqlite-{shm,wal} "$rootfs"/var/lib/rpm/.rpm.lock
  commit "$name" "RUN rpm -i sekisho-hello sekisho-tools"
  finish "$name"
}

# 4. Python packages from Debian (python3-*), whose dist-info dpkg owns.
build_python() {
  local name=debian-python
  rootfs "$name" minbase python3-urllib3 python3-requests python3-yaml python3-jinja2
  start "$name"
  replace_rootfs "$name" "$WORK/$name.tar"
  commit "$name" "RUN apt-get install -y python3-urllib3 python3-requests python3-yaml python3-jinja2"
  finish "$name"
}

# 5. Java jars from Debian packages (extracted, as an application ships them) and Go binaries
#    with build info from Debian packages.
build_jars_and_go() {
  local name=debian-jars-go dl="$WORK/debs"
  rm -rf "$dl" && mkdir -p "$dl"
  (cd "$dl" && apt-get download liblog4j2-java libjackson2-databind-java libjackson2-core-java docker-registry >/dev/null)
  rootfs "$name" minbase
  start "$name"
  replace_rootfs "$name" "$WORK/$name.tar"
  commit "$name" "ADD rootfs.tar / # mmdebstrap --variant=minbase $SUITE"
  for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$WORK/$name.bundle/rootfs/"; done
  commit "$name" "COPY jars and binaries (dpkg-deb -x liblog4j2-java libjackson2-* docker-registry)"
  finish "$name"
}

# 6. Debian's own Node.js and Python packages: nodejs and npm ship modules under /usr/share/nodejs
#    with the lockfiles of their upstream projects inside (not installed packages), and
#    python3-cryptography ships both an egg-info and a dist-info folder for one distribution.
build_debian_node() {
  local name=debian-node
  rootfs "$name" minbase nodejs npm python3-cryptography
  start "$name"
  replace_rootfs "$name" "$WORK/$name.tar"
  commit "$name" "RUN apt-get install -y nodejs npm python3-cryptography"
  finish "$name"
}

# 7. A Java runtime from Debian: jars without pom.properties (the JDK's jrt-fs.jar, Debian's
#    ca-certificates-java.jar), identified from MANIFEST.MF. The packages are extracted, not
#    installed: their maintainer scripts run java, which fails in mmdebstrap's chroot.
build_debian_java() {
  local name=debian-java dl="$WORK/java-debs"
  rm -rf "$dl" && mkdir -p "$dl"
  (cd "$dl" && apt-get download openjdk-17-jre-headless ca-certificates-java >/dev/null)
  start "$name"
  for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$WORK/$name.bundle/rootfs/"; done
  commit "$name" "COPY the JDK (dpkg-deb -x openjdk-17-jre-headless ca-certificates-java)"
  finish "$name"
}

# Benchmark: minbase + python3 + nodejs + npm, ≥ 400 MB uncompressed, gzip and zstd layers.
build_bench() {
  local name=bench
  rootfs "$name" minbase python3 nodejs npm
  start "$name"
  replace_rootfs "$name" "$WORK/$name.tar"
  commit "$name" "ADD rootfs.tar / # mmdebstrap --variant=minbase --include=python3,nodejs,npm $SUITE"
  finish "$name"
  # the same image with zstd layers
  skopeo copy --quiet --dest-compress-format zstd --dest-compress-level 3 "oci:$OUT/$name/oci:latest" "oci:$OUT/$name/oci-zstd:latest"
}

# 8. compare: two images, the second built on the first with one npm package upgraded
#    (lodash 4.17.15 → 4.17.19, which fixes advisory 516 of the npm-nsp feed in ../shared/feeds).
#    compare-before: Debian's base-files (extracted: /etc/os-release, no package database) and an
#    app layer; compare-after: compare-before plus a layer that reinstalls the app with the newer
#    lodash. The compare golden test (packages/cli/src/commands/compare.golden.test.ts) reads both.
npm_app() { # dir packages... → an npm project in dir with exactly these packages
  local dir=$1; shift
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{"name":"compare-app","version":"1.0.0","private":true}\n' > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error --save-exact "$@" >/dev/null)
}
build_compare_before() {
  local name=compare-before
  rootfs "$name" extract base-files
  start "$name"
  replace_rootfs "$name" "$WORK/$name.tar"
  commit "$name" "ADD rootfs.tar / # mmdebstrap --variant=extract --include=base-files $SUITE"
  npm_app "$WORK/$name-app" lodash@4.17.15
  mkdir -p "$WORK/$name.bundle/rootfs/app"
  cp -r "$WORK/$name-app/." "$WORK/$name.bundle/rootfs/app/"
  commit "$name" "COPY app/ /app/ # npm install lodash@4.17.15"
  finish "$name" --config.workingdir /app
}
build_compare_after() {
  local name=compare-after
  if fresh compare-before; then build_compare_before; fi
  rm -rf "$WORK/$name.oci" "$WORK/$name.bundle"
  cp -r "$OUT/compare-before/oci" "$WORK/$name.oci"
  umoci unpack --image "$WORK/$name.oci:latest" "$WORK/$name.bundle" >/dev/null
  npm_app "$WORK/$name-app" lodash@4.17.19
  rm -rf "$WORK/$name.bundle/rootfs/app"
  mkdir -p "$WORK/$name.bundle/rootfs/app"
  cp -r "$WORK/$name-app/." "$WORK/$name.bundle/rootfs/app/"
  commit "$name" "RUN npm install lodash@4.17.19"
  finish "$name"
}

ALL=(debian-app distroless rpm-sqlite debian-python debian-jars-go compare-before compare-after debian-node debian-java)
[ "${1:-}" = "--bench" ] && { shift; ALL=(bench); }
[ $# -gt 0 ] && ALL=("$@")
for image in "${ALL[@]}"; do
  if ! fresh "$image"; then echo "up to date: $image"; continue; fi
  case "$image" in
    debian-app) build_debian_app ;;
    distroless) build_distroless ;;
    rpm-sqlite) build_rpm ;;
    debian-python) build_python ;;
    debian-jars-go) build_jars_and_go ;;
    compare-before) build_compare_before ;;
    compare-after) build_compare_after ;;
    debian-node) build_debian_node ;;
    debian-java) build_debian_java ;;
    bench) build_bench ;;
    *) echo "unknown image $image" >&2; exit 2 ;;
  esac
done
rm -rf "$WORK"
