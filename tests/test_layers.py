"""The layer rules hold: every domain module is under the import contract, and obeys it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTRY_POINTS = {"__init__", "__main__", "cli"}  # composition roots
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
