"""The structure the architecture asks for (ARCHITECTURE.md §9), read from the code itself."""
import ast
from pathlib import Path

import pytest

from system.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SHAPE = {"__init__.py", "api", "handlers.py", "use_cases", "domain", "store.py", "bootstrap.py", "app.py", "worker.py"}
MAX_FUNCTION_LINES = 60


def python_files(*folders: str):
    for folder in folders:
        yield from (path for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts)


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_top_level_entries(service):
    entries = {path.name for path in (ROOT / "services" / service).iterdir() if path.name != "__pycache__"}
    assert entries == SHAPE


@pytest.mark.parametrize("path", sorted(python_files("shared")), ids=lambda path: str(path.relative_to(ROOT)))
def test_shared_imports_no_service_and_not_the_composition_root(path):
    assert not [module for module in imported_modules(path) if module.split(".")[0] in ("services", "system")]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service_and_not_the_composition_root(service):
    for path in python_files(f"services/{service}"):
        for module in imported_modules(path):
            parts = module.split(".")
            assert parts[0] != "system", f"{path} imports {module}"
            assert parts[0] != "services" or parts[1] == service, f"{path} imports {module}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_knows_nothing_of_flask_pymongo_kombu_or_the_clock(service):
    for path in python_files(f"services/{service}/domain"):
        forbidden = {"flask", "flask_smorest", "pymongo", "kombu", "shared.clock"}
        assert not [m for m in imported_modules(path) if m in forbidden or m.split(".")[0] in forbidden], path
        # Random ids are made by the caller and passed in; ids derived by uuid5 are pure and allowed.
        assert "uuid4" not in path.read_text() and "datetime.now" not in path.read_text(), path


def test_no_function_is_longer_than_sixty_lines():
    long = []
    for path in python_files("shared", "services", "system"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []
