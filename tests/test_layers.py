"""The layer rules hold: every domain module is under the import contract, and obeys it."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTRY_POINTS = {"__init__", "__main__"}  # composition roots (with the cli/ package)
FORBIDDEN_IN_DOMAIN = ("PySide6", "sqlalchemy", "sqlcipher3", "reportlab", "alembic")


def _domain_modules() -> set[str]:
    return {
        f"vbedesk.{p.stem}" for p in (REPO / "vbedesk").glob("*.py") if p.stem not in ENTRY_POINTS
    }


def test_every_domain_module_is_named_in_the_import_contract() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (domain,) = [c for c in contracts if c["name"].startswith("The domain")]
    assert set(domain["source_modules"]) == _domain_modules()


def test_domain_modules_import_no_framework_directly() -> None:
    for module in sorted(_domain_modules()):
        path = REPO / "vbedesk" / (module.split(".")[1] + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in FORBIDDEN_IN_DOMAIN, f"{module} imports {name}"
                assert not name.startswith(("vbedesk.ui", "vbedesk.storage", "vbedesk.reports")), (
                    f"{module} imports {name}"
                )


MAX_CLASS_LINES = 400
MAX_FUNCTION_LINES = 100
#: Alembic revisions are written once and never edited; their length is exempt.
SIZE_EXEMPT = REPO / "vbedesk" / "storage" / "migrations"

Definition = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def _definitions(node: ast.AST, scope: str = "") -> list[tuple[str, Definition]]:
    """Every class and function under ``node``, nested ones too, by dotted name."""
    found: list[tuple[str, Definition]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, Definition):
            name = f"{scope}{child.name}"
            found.append((name, child))
            found.extend(_definitions(child, f"{name}."))
        else:
            found.extend(_definitions(child, scope))
    return found


def _length(node: Definition) -> int:
    """Lines from the first decorator (or the ``def``/``class`` line) to the last one."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    assert node.end_lineno is not None
    return node.end_lineno - start + 1


def _oversized(source: str, where: str) -> list[str]:
    """``where:line name (n lines)`` for each class over 400 and function over 100 lines."""
    found = []
    for name, node in _definitions(ast.parse(source)):
        limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
        if (length := _length(node)) > limit:
            found.append(f"{where}:{node.lineno} {name} ({length} lines, limit {limit})")
    return found


def test_size_rule_counts_decorators_and_names_nested_definitions() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(99))
    method = f"    @staticmethod\n    def run():\n{body}\n"
    assert _oversized(f"class A:\n{method}", "m.py") == ["m.py:3 A.run (101 lines, limit 100)"]
    assert _oversized(f"class A:\n    def run():\n{body}\n", "m.py") == []
    members = "\n".join(f"    y{i} = {i}" for i in range(400))
    assert _oversized(f"class B:\n{members}\n", "m.py") == ["m.py:1 B (401 lines, limit 400)"]


def test_no_class_over_400_lines_and_no_function_over_100() -> None:
    found: list[str] = []
    for path in sorted((REPO / "vbedesk").rglob("*.py")):
        if path.is_relative_to(SIZE_EXEMPT):
            continue
        where = path.relative_to(REPO).as_posix()
        found.extend(_oversized(path.read_text(encoding="utf-8"), where))
    assert not found, "too long (split them):\n" + "\n".join(found)


def test_the_ui_and_the_cli_reach_the_vault_only_through_the_service() -> None:
    """No ``service.vault`` (or ``.vault.``) reach-through: the facade has what they need."""
    found = []
    for folder in ("ui", "cli"):
        for path in sorted((REPO / "vbedesk" / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if re.search(r"service\.vault\b(?!_)|\.vault\.", code):
                    found.append(f"{path.relative_to(REPO).as_posix()}:{number}: {line.strip()}")
    assert not found, "through the service instead:\n" + "\n".join(found)
