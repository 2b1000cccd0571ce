"""Import cycles between the packages of goldcoin, read from the source.

    python scripts/import_cycles.py [goldcoin]

Every `import` and `from ... import` counts, also those inside functions: a
lazy import hides a cycle from Python, not from the design. A package is a
direct child of goldcoin (`goldcoin.store`, `goldcoin.security`). Prints each
two-way pair and exits 1 if there is any.
"""
import ast
import pathlib
import sys
from collections import defaultdict

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "goldcoin")
def pkg_of(mod):
    parts = mod.split(".")
    return ".".join(parts[:2])
edges = defaultdict(set)
for path in root.rglob("*.py"):
    rel = path.with_suffix("").relative_to(root.parent)
    mod = ".".join(rel.parts)
    is_pkg = mod.endswith(".__init__")
    if is_pkg:
        mod = mod[: -len(".__init__")]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                full = ".".join(base + ([node.module] if node.module else []))
                targets = [full] if node.module else [full + "." + a.name for a in node.names]
            else:
                targets = [node.module]
        for t in targets:
            if t and t.startswith("goldcoin.") and pkg_of(t) != pkg_of(mod):
                edges[pkg_of(mod)].add((pkg_of(t), str(path)))
pairs = set()
for a, outs in edges.items():
    for b, _ in outs:
        if any(x == a for x, _ in edges.get(b, ())) and a < b:
            pairs.add((a, b))
for a, b in sorted(pairs):
    print(a, "<->", b)
print(len(pairs), "two-way cycles")
sys.exit(1 if pairs else 0)
