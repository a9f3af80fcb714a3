#!/usr/bin/env bash
# Regenerates the rpmdb fixtures beside this script with Debian's rpm tools:
#   apt-get install -y rpm db-util sqlite3
# Outputs (all committed, each well under 100 KB):
#   rpmdb.sqlite.gz    rpm 4.18's own SQLite rpmdb after `rpm -i --justdb` of two tiny packages
#   Packages           a Berkeley DB hash rpmdb holding the same header blobs, written by
#                      db_load (keys are 4-byte little-endian record numbers, key 0 holds the
#                      next-record counter, as rpm wrote them); checked readable by rpm's bdb_ro
#   Packages.be        the same as a big-endian BDB file (as written on s390x), also checked
#   rpm-qa.json        what rpm itself reports for those packages (the oracle for the tests)
#   many-records-{1234,4321}.bdb.gz  400 synthetic headers in a 512-byte-page BDB hash file, in
#                      both byte orders; many-records.rpm-qa.txt is rpm bdb_ro's listing of them
# The ndb format has no writer on Debian; its tests build Packages.db from these blobs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
top="$work/top"
mkdir -p "$top"

cat >"$work/hello.spec" <<'SPEC'
Name: sekisho-hello
Version: 1.2.3
Release: 4.fx1
Epoch: 2
Summary: tiny test package
License: MIT AND Apache-2.0
Vendor: Sekisho Fixtures
BuildArch: noarch
ModularityLabel: hello:1.2:20240101:abcdef
%description
Tiny package for rpmdb parser tests.
%install
mkdir -p %{buildroot}/usr/share/sekisho-hello %{buildroot}/etc
echo hi > %{buildroot}/usr/share/sekisho-hello/README
echo cfg > %{buildroot}/etc/sekisho-hello.conf
%files
/usr/share/sekisho-hello
%config /etc/sekisho-hello.conf
SPEC

# Enough files that its header (~30 KB) spans several 4 KiB BDB overflow pages.
cat >"$work/many.spec" <<'SPEC'
%global debug_package %{nil}
%global __os_install_post %{nil}
Name: sekisho-many
Version: 0.9
Release: 1
Summary: package with many files
License: GPL-2.0-only
%description
Package with many small files for rpmdb parser tests.
%install
for d in alpha beta gamma; do
  mkdir -p %{buildroot}/usr/lib/sekisho-many/$d
  for i in $(seq 1 100); do echo "$d $i" > %{buildroot}/usr/lib/sekisho-many/$d/file-$i.dat; done
done
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\necho many\n' > %{buildroot}/usr/bin/sekisho-many
chmod 755 %{buildroot}/usr/bin/sekisho-many
%files
/usr/lib/sekisho-many
/usr/bin/sekisho-many
SPEC

rpmbuild --quiet --define "_topdir $top" -bb "$work/hello.spec" >/dev/null
rpmbuild --quiet --define "_topdir $top" --target x86_64 -bb "$work/many.spec" >/dev/null

db="$work/db"
mkdir -p "$db"
rpm --dbpath "$db" --initdb
rpm -i --nodeps --justdb --noscripts --dbpath "$db" \
  "$top"/RPMS/noarch/sekisho-hello-*.rpm "$top"/RPMS/x86_64/sekisho-many-*.rpm 2>/dev/null
gzip -9 -n -c "$db/rpmdb.sqlite" >"$here/rpmdb.sqlite.gz"

# rpm's own view of the packages: tab-separated fields, then the file list from -ql.
for name in $(rpm --dbpath "$db" -qa --qf '%{NAME}\n' | sort); do
  rpm --dbpath "$db" -q "$name" \
    --qf '%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCH}\t%{ARCH}\t%{SOURCERPM}\t%{VENDOR}\t%{LICENSE}\t%{SIZE}\t%{MODULARITYLABEL}\n'
  rpm --dbpath "$db" -ql "$name" | sed 's/^/\t/'
done >"$work/qa.tsv"
python3 - "$work/qa.tsv" >"$here/rpm-qa.json" <<'PY'
import json, sys
keys = ["name", "version", "release", "epoch", "arch", "sourceRpm", "vendor", "license", "size", "modularityLabel"]
pkgs = []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    if line.startswith("\t"):
        pkgs[-1]["files"].append(line[1:])
    else:
        pkg = dict(zip(keys, line.split("\t")))
        pkg["files"] = []
        pkgs.append(pkg)
print(json.dumps(pkgs, indent=2))
PY

# Berkeley DB hash Packages from the same blobs, in both byte orders (rpm wrote keys and
# BDB metadata in the host's order; big-endian files come from s390x/ppc64 hosts).
write_bdb() { # lorder(1234|4321) output
  local lorder="$1" out="$2" max=0 hnum hex
  key() {
    if [ "$lorder" = 1234 ]; then printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
    else printf '%08x' "$1"; fi
  }
  {
    printf 'VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\ndb_lorder=%s\nHEADER=END\n' "$lorder"
    while IFS='|' read -r hnum hex; do
      printf ' %s\n %s\n' "$(key "$hnum")" "$(printf '%s' "$hex" | tr 'A-F' 'a-f')"
      max=$hnum
    done < <(sqlite3 -readonly "$db/rpmdb.sqlite" 'SELECT hnum, hex(blob) FROM Packages ORDER BY hnum')
    printf ' %s\n %s\n' "$(key 0)" "$(key $((max + 1)))"
    printf 'DATA=END\n'
  } >"$work/dump-$lorder.txt"
  local dir="$work/bdb-$lorder"
  mkdir -p "$dir"
  db_load -f "$work/dump-$lorder.txt" "$dir/Packages"
  # rpm's read-only BDB backend must see the same packages.
  diff <(rpm --define '_db_backend bdb_ro' --dbpath "$dir" -qa --qf '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n' 2>/dev/null | sort) \
    <(rpm --dbpath "$db" -qa --qf '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n' | sort)
  cp "$dir/Packages" "$out"
}
write_bdb 1234 "$here/Packages"
write_bdb 4321 "$here/Packages.be"
# Many small synthetic headers in 512-byte pages: inline (H_KEYDATA) values, bucket splits,
# spare-page arithmetic and some multi-page overflow chains; rpm must list all of them.
cat >"$work/gen.py" <<'PY'
import struct, sys
def blob(tags):
    # tags: list of (tag, type, payload bytes, count, align)
    idx=[]; data=b''
    for tag,typ,payload,count,align in tags:
        while len(data)%align: data+=b'\0'
        idx.append(struct.pack('>iIiI',tag,typ,len(data),count)); data+=payload
    return struct.pack('>II',len(idx),len(data))+b''.join(idx)+data
def s(t,v): return (t,6,v.encode()+b'\0',1,1)
def sa(t,vs): return (t,8,b''.join(v.encode()+b'\0' for v in vs),len(vs),1)
def i32(t,vs): return (t,4,b''.join(struct.pack('>I',v) for v in vs),len(vs),4)
lorder=sys.argv[1]; n=int(sys.argv[2]); pagesize=sys.argv[3]
print(f'VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize={pagesize}\ndb_lorder={lorder}\nHEADER=END')
def key(i): return struct.pack('<I' if lorder=='1234' else '>I', i).hex()
for i in range(1,n+1):
    tags=[s(1000,f'pkg-{i:04d}'), s(1001,f'{i}.0'), s(1002,'1'), s(1022,'x86_64')]
    if i%20==0:
        files=[f'file-{j:03d}' for j in range(120)]
        tags+= [i32(1116,[0]*len(files)), sa(1117,files), sa(1118,[f'/usr/share/pkg-{i}/'])]
    print(' '+key(i)); print(' '+blob(tags).hex())
print(' '+key(0)); print(' '+key(n+1))
print('DATA=END')
PY
for lorder in 1234 4321; do
  dir="$work/many-$lorder"
  mkdir -p "$dir"
  python3 "$work/gen.py" "$lorder" 400 512 >"$work/many-$lorder.txt"
  db_load -f "$work/many-$lorder.txt" "$dir/Packages"
  rpm --define '_db_backend bdb_ro' --dbpath "$dir" -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\n' 2>/dev/null | sort >"$work/many-$lorder.qa"
  gzip -9 -n -c "$dir/Packages" >"$here/many-records-$lorder.bdb.gz"
done
cmp "$work/many-1234.qa" "$work/many-4321.qa"
cp "$work/many-1234.qa" "$here/many-records.rpm-qa.txt"
ls -l "$here"
