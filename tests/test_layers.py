"""Layers (STYLE.md): platform < domain < services. A lower layer never imports a higher one.

Parses every module's imports with ``ast`` (including imports inside functions) so the rule holds
for lazy imports too. Apps talk upward through registries (audit actions, clocks, tiles), not imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "yiwang"

LAYERS: dict[str, int] = {
    # platform
    "core": 0, "audit": 0, "identity": 0, "sso": 0, "events": 0, "notifications": 0,
    # domain
    "catalog": 1, "intake": 1, "workflow": 1, "exchange": 1, "registries": 1, "sharing": 1,
    "supervision": 1, "seals": 1,
    # services
    "portal": 2, "disclosure": 2, "participation": 2, "hotline": 2, "grid": 2, "emergency": 2, "decision": 2,
}
# Project-level wiring (urls, api, settings) may import every app; it belongs to no layer.
WIRING = {"urls.py", "api.py", "wsgi.py", "asgi.py", "manage.py", "conftest.py", "__init__.py", "settings"}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "yiwang" and parts[1] in LAYERS:
        return parts[1]
    return None


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_every_app_is_assigned_a_layer():
    apps = {p.name for p in SRC.iterdir() if (p / "apps.py").exists()}
    assert apps and apps <= set(LAYERS), f"apps without a layer: {apps - set(LAYERS)}"


def test_no_lower_layer_imports_a_higher_one():
    violations = []
    for app, level in LAYERS.items():
        for path in (SRC / app).rglob("*.py") if (SRC / app).exists() else []:
            for lineno, module in imports_of(path):
                target = app_of(module)
                if target is not None and LAYERS[target] > level:
                    violations.append(f"{path.relative_to(SRC)}:{lineno} imports {module} "
                                      f"({app} is layer {level}, {target} is layer {LAYERS[target]})")
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("source", ["import yiwang.portal.views", "from yiwang.portal import views"])
def test_the_checker_sees_an_upward_import(tmp_path, source):
    bad = tmp_path / "bad.py"
    bad.write_text(f"def f():\n    {source}\n")
    (lineno, module), = imports_of(bad)
    assert app_of(module) == "portal" and LAYERS["portal"] > LAYERS["core"]


def test_apps_use_each_other_only_through_their_public_module():
    """Each app's public surface is one module, ``yiwang.<app>.public``; tests and migrations are exempt."""
    violations = []
    for app in LAYERS:
        for path in (SRC / app).rglob("*.py") if (SRC / app).exists() else []:
            rel = path.relative_to(SRC / app)
            if rel.parts[0] in {"tests", "migrations"}:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    # "from yiwang.identity import selectors" names the module in the imported name
                    is_package = node.module.count(".") == 1
                    targets = [f"{node.module}.{a.name}" for a in node.names] if is_package else [node.module]
                elif isinstance(node, ast.Import):
                    targets = [a.name for a in node.names]
                else:
                    continue
                for target in targets:
                    other = app_of(target)
                    if other and other != app and target.split(".")[2:3] != ["public"]:
                        violations.append(f"{app}/{rel}:{node.lineno} imports {target}")
    assert not violations, "\n".join(violations)
