#!/usr/bin/env python3
"""lib/'s folders stay layered: each may include only folders before it in LAYERS.

The order is the one docs/design.md explains (bytes, database, one module, its records, one
kernel, then the consumers). A new folder, or an include that goes up the order, fails here
with the file and line, so a dependency cycle between folders cannot come back unnoticed.
Usage: lib-layering.py [SOURCE-DIR]
"""
import pathlib
import re
import sys

# Folders on one line are peers: neither includes the other.
LAYERS = [
    ["Support"],
    ["Elf", "Compression"],
    ["Database"],
    ["Module"],
    ["Versioning"],
    ["Kernel"],
    ["Types", "Relink", "LdPlugin", "Check"],
    ["Explain"],
]

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2])
lib = root / "lib"
rank = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
include = re.compile(r'^\s*#\s*include\s+"([^/"]+)/')
problems = []
for folder in sorted(p.name for p in lib.iterdir() if p.is_dir()):
    if folder not in rank:
        problems.append(f"lib/{folder}: a folder the layering does not know (add it to {__file__})")
        continue
    for src in sorted((lib / folder).iterdir()):
        if src.suffix not in (".h", ".cpp"):
            continue
        for n, line in enumerate(src.read_text().splitlines(), 1):
            m = include.match(line)
            if not m or m.group(1) not in rank or m.group(1) == folder:
                continue
            if rank[m.group(1)] >= rank[folder]:
                problems.append(f"{src.relative_to(root)}:{n}: {folder} includes {m.group(1)}, "
                                "which is not below it")
for p in problems:
    print(p)
print(f"lib-layering: {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
