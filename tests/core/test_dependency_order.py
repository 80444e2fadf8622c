"""The apps form one dependency order: a lower app never imports a higher one.

core → regions → offices → accounts → elections → partners → activities → {checkin, portal}
→ analytics → {evaluation, notifications} → reports → privacy → demo. Apps on one level do
not import each other either. A higher app that needs a lower one to act registers itself (signals,
`AppConfig.ready`, template tags); see docs/architecture.md.

Every `import` in every module under mitra/ is read with `ast` (also those inside functions),
so a deferred import does not hide a cycle. Each app's `demo.py` belongs to the demo layer:
the demo builder loads it by name, its own app never imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "mitra"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("regions",),
    ("offices",),
    ("accounts",),
    ("elections",),
    ("partners",),
    ("activities",),
    ("checkin", "portal"),
    ("analytics",),
    ("evaluation", "notifications"),
    ("reports",),  # the accountability report shows the evaluation's verdict
    ("privacy",),
    ("demo",),
)
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _layer_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    if len(parts) == 2 and parts[1] == "demo.py":
        return "demo"
    return parts[0]


def _imported_apps(tree: ast.AST, module_parts: tuple[str, ...]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module_parts[: len(module_parts) - node.level]
                names = [".".join((*base, *(node.module or "").split(".")))]
            elif node.module:
                names = [node.module]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "mitra":
                found.append((node.lineno, parts[1]))
    return found


def back_imports(root: Path = ROOT) -> list[str]:
    """Every import of a higher (or same-level other) app, as `path:line app → app`."""
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if path.parent == root:
            continue
        layer = _layer_of(path, root)
        module_parts = ("mitra", *path.relative_to(root).with_suffix("").parts)
        for line, other in _imported_apps(ast.parse(path.read_text()), module_parts):
            if other == layer or other == path.relative_to(root).parts[0]:
                continue
            if layer not in LEVEL or other not in LEVEL:
                continue  # reported by test_every_app_has_a_place_in_the_order
            if LEVEL[other] >= LEVEL[layer]:
                problems.append(f"{path.relative_to(root.parent)}:{line} {layer} → {other}")
    return problems


def test_no_app_imports_a_higher_one():
    assert back_imports() == []


def test_every_app_has_a_place_in_the_order():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps - set(LEVEL) == set(), "add the new app to LAYERS (and docs/architecture.md)"


def test_a_back_import_is_caught(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "views.py").write_text("def f():\n    from mitra.accounts import x\n")
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "views.py").write_text("from mitra.activities.selectors import y\n")
    (tmp_path / "checkin").mkdir()
    (tmp_path / "checkin" / "views.py").write_text("from mitra.portal import z\n")
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "views.py").write_text("from mitra.core import a\nfrom . import b\n")
    (tmp_path / "portal" / "demo.py").write_text("from mitra.analytics import c\n")
    found = back_imports(tmp_path)
    assert [p.split(" ", 1)[1] for p in found] == [
        "checkin → portal",
        "core → accounts",
        "partners → activities",
    ]
