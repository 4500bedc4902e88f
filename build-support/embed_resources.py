#!/usr/bin/env python3
"""Writes the Swift source SwiftPM generates for resources declared .embedInCode:

    struct PackageResources {
    static let limber_toml: [UInt8] = [35,32,...]
    }

for builds that compile a module with swiftc directly (make fuzz-build), where SwiftPM's
DerivedSources do not exist. A name is the file's name with '.' and '-' made '_'.

    embed_resources.py OUT.swift FILE...
"""
import os
import sys


def main():
    out, files = sys.argv[1], sys.argv[2:]
    lines = ["struct PackageResources {"]
    for path in files:
        name = os.path.basename(path).replace(".", "_").replace("-", "_")
        with open(path, "rb") as f:
            data = f.read()
        lines.append(f"static let {name}: [UInt8] = [" + ",".join(str(b) for b in data) + "]")
    lines.append("}")
    with open(out + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
