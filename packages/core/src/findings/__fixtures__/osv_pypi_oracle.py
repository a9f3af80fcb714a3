"""Independent oracle for the PyPI matcher: which OSV advisories affect which installed versions.

Written separately from Sekisho's matcher and its PEP 440 scheme: versions are compared with
pypa/packaging (the reference PEP 440 implementation pip uses); OSV ranges are evaluated as the
OSV schema's pseudo-code says (https://ossf.github.io/osv-schema/#evaluation); the feed's YAML is
read with PyYAML's (C)BaseLoader so every scalar stays a string (YAML 1.1 would read 1.10 as 1.1).

stdin:  {"feed": "<osv-pypi dir>", "packages": [{"name": "...", "version": "..."}]}
stdout: {"affected": [[name, version, advisory_id], ...], "invalid": [[name, version], ...], "evaluated": N}
"""
import functools
import json
import os
import re
import sys

import yaml
from packaging.version import InvalidVersion, Version


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.lru_cache(maxsize=None)
def parse(v):
    try:
        return Version(v)
    except InvalidVersion:
        return None


def in_range(version, events):
    # OSV: introduced "0" is before everything; limits bound the range from above.
    limits = [e["limit"] for e in events if "limit" in e]
    if limits and not any(l == "*" or (parse(l) is not None and version < parse(l)) for l in limits):
        return False
    steps = []
    for e in events:
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in e:
                steps.append((kind, e[kind]))
                break
    def key(step):
        kind, value = step
        if kind == "introduced" and value == "0":
            return (0, Version("0"), 0)
        parsed = parse(value)
        return (1, parsed if parsed is not None else Version("0"), {"introduced": 0, "last_affected": 1, "fixed": 2}[kind])
    steps.sort(key=key)
    affected = False
    for kind, value in steps:
        v = parse(value) if value != "0" else None
        if kind == "introduced":
            if value == "0" or (v is not None and version >= v):
                affected = True
        elif kind == "fixed":
            if v is not None and version >= v:
                affected = False
        elif v is not None and version > v:
            affected = False
    return affected


def main():
    request = json.load(sys.stdin)
    feed = request["feed"]
    wanted = {}
    for p in request["packages"]:
        wanted.setdefault(pep503(p["name"]), []).append(p)
    affected, invalid, evaluated = [], [], 0
    for folder in sorted(os.listdir(feed)):
        path = os.path.join(feed, folder)
        if not os.path.isdir(path):
            continue
        for file in sorted(os.listdir(path)):
            if not file.endswith(".yaml"):
                continue
            with open(os.path.join(path, file), encoding="utf-8") as f:
                record = yaml.load(f, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
            if not isinstance(record, dict) or record.get("withdrawn"):
                continue
            for entry in record.get("affected", []):
                package = entry.get("package", {})
                if package.get("ecosystem") != "PyPI":
                    continue
                listed = {parse(v) for v in entry.get("versions", [])} - {None}
                ranges = [r.get("events", []) for r in entry.get("ranges", []) if r.get("type") == "ECOSYSTEM"]
                for p in wanted.get(pep503(package.get("name", "")), []):
                    evaluated += 1
                    version = parse(p["version"])
                    if version is None:
                        invalid.append([p["name"], p["version"]])
                        continue
                    hit = version in listed or any(in_range(version, events) for events in ranges)
                    if hit:
                        affected.append([p["name"], p["version"], record["id"]])
    json.dump({"affected": sorted(map(list, {tuple(a) for a in affected})), "invalid": invalid, "evaluated": evaluated}, sys.stdout)


main()
