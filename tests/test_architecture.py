"""The library's layers (docs/architecture.md): each package imports only the packages below it.

A lower layer that imports a higher one (``load`` reaching into ``render``, ``core`` into
anything), or one of two side-by-side packages importing the other (``builder`` and
``contribute``), is how a house becomes a knot: this test names each such import, file and line.
The shells around the library (the command line, the Pelican plugin) import it, never the
other way, and the library never imports click: it returns what the command line prints.
"""

from __future__ import annotations

import ast
from pathlib import Path

LIBRARY = Path(__file__).resolve().parent.parent / "plugins" / "joinedup"
# Bottom first: a module may import its own package and the layers before its own in this list;
# packages side by side in one layer do not import each other.
LAYERS = (("core",), ("load",), ("match",), ("render",), ("builder", "contribute"))
LEVEL = {package: level for level, packages in enumerate(LAYERS) for package in packages}
# What the library never imports: the command line's package and its click, the Pelican plugin.
SHELLS = ("click", "joinedup_cli", "joinedup_pelican")


def imported_modules(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every joinedup module ``path`` imports, at the top or in a function."""
    return [(line, name) for line, name in all_imports(path, package) if name.split(".")[0] == "joinedup"]


def all_imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every module ``path`` imports, at the top or in a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the module's own package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]  # from joinedup import load
    return found


def layer_violations(library: Path) -> list[str]:
    """'file:line imports joinedup.X (layer X is above layer Y)' for every import that goes up."""
    found = []
    for path in sorted(library.rglob("*.py")):
        relative = path.relative_to(library)
        if len(relative.parts) < 2:
            continue
        layer = relative.parts[0]
        package = ".".join(("joinedup", *relative.parts[:-1]))
        for line, name in imported_modules(path, package):
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else None
            if target in LEVEL and target != layer and LEVEL[target] >= LEVEL[layer]:
                where = "above" if LEVEL[target] > LEVEL[layer] else "beside"
                found.append(f"{relative}:{line} imports {name} (layer {target} is {where} layer {layer})")
    return sorted(set(found))


def shell_imports(library: Path) -> list[str]:
    """'file:line imports NAME' for every import of click or of a shell around the library."""
    found = []
    for path in sorted(library.rglob("*.py")):
        relative = path.relative_to(library)
        package = ".".join(("joinedup", *relative.parts[:-1]))
        found += [f"{relative}:{line} imports {name}" for line, name in all_imports(path, package)
                  if name.split(".")[0] in SHELLS]
    return sorted(set(found))


def test_every_module_of_the_library_belongs_to_a_layer():
    loose = sorted(p.name for p in LIBRARY.glob("*.py") if p.name != "__init__.py")
    assert loose == [], "put each module in one of the packages " + ", ".join(LEVEL)
    packages = sorted(p.name for p in LIBRARY.iterdir() if (p / "__init__.py").is_file())
    assert packages == sorted(LEVEL)


def test_no_layer_imports_a_layer_above_it():
    assert layer_violations(LIBRARY) == []


def test_an_import_that_goes_up_is_named_with_its_file_and_line(tmp_path):
    for layer in LEVEL:
        (tmp_path / layer).mkdir()
        (tmp_path / layer / "__init__.py").write_text("")
    (tmp_path / "core" / "model.py").write_text("import json\n\n\ndef page():\n    from joinedup.render import pages\n")
    (tmp_path / "load" / "files.py").write_text("from ..core import model\nfrom ..builder.quick import rebuild\n")
    (tmp_path / "render" / "pages.py").write_text("from joinedup import load\nfrom joinedup.match.search import x\n")
    (tmp_path / "contribute" / "owners.py").write_text("from joinedup.render import pages\nimport joinedup.builder.quick\n")
    assert layer_violations(tmp_path) == [
        "contribute/owners.py:2 imports joinedup.builder.quick (layer builder is beside layer contribute)",
        "core/model.py:5 imports joinedup.render (layer render is above layer core)",
        "core/model.py:5 imports joinedup.render.pages (layer render is above layer core)",
        "load/files.py:2 imports joinedup.builder.quick (layer builder is above layer load)",
        "load/files.py:2 imports joinedup.builder.quick.rebuild (layer builder is above layer load)",
    ]


def test_the_library_imports_neither_click_nor_the_shells_around_it(tmp_path):
    assert shell_imports(LIBRARY) == []
    (tmp_path / "match").mkdir()
    (tmp_path / "match" / "search.py").write_text("import click\n\n\ndef report():\n    from joinedup_cli import find\n")
    assert shell_imports(tmp_path) == ["match/search.py:1 imports click", "match/search.py:5 imports joinedup_cli",
                                       "match/search.py:5 imports joinedup_cli.find"]
