"""The apps' dependencies point one way (docs/architecture.md): api/web → csvio → search → consortia → directory.

Every import in every module is read, including imports inside functions, so
a lazy import against the arrows is caught too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"directory", "consortia", "search", "csvio", "api", "web", "config", "benchmarks", "tests"}

# What each app may import from the project, besides itself.
ALLOWED = {
    "directory": set(),
    "consortia": {"directory"},
    "search": {"consortia", "directory"},
    "csvio": {"search", "consortia", "directory"},
    "api": {"csvio", "search", "consortia", "directory"},
    "web": {"csvio", "search", "consortia", "directory"},
}


def project_imports(path: Path) -> set[str]:
    """The project packages a module imports (top-level names), wherever the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & PROJECT_PACKAGES
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        against = project_imports(path) - ALLOWED[app] - {app}
        if against:
            wrong[str(path.relative_to(ROOT))] = sorted(against)
    assert wrong == {}, f"imports against docs/architecture.md's arrows: {wrong}"


def test_nothing_outside_benchmarks_imports_benchmarks():
    importers = [
        str(path.relative_to(ROOT))
        for package in PROJECT_PACKAGES - {"benchmarks"}
        for path in sorted((ROOT / package).rglob("*.py"))
        if "benchmarks" in project_imports(path)
    ]
    assert importers == []


def test_the_reader_finds_imports_inside_functions(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def later():\n    from consortia.models import Consortium\n    import benchmarks.common\n")
    assert project_imports(module) == {"consortia", "benchmarks"}
