"""Rules that keep the suite easy to extend: a test module imports helpers (factories, fixtures
in a conftest, modules not named test_*), never another test module, whose tests it would
otherwise collect twice and whose helpers nobody would look for there."""

import ast
import subprocess
import sys

from tests.conftest import ROOT

TESTS = ROOT / "tests"


def imported_modules(path, *, root=ROOT) -> set[str]:
    """Every module `path` (under `root`) imports, relative imports resolved against its
    package, and every name it imports from a module as if that were a module too."""
    package = ".".join(path.relative_to(root).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def is_test_module(name: str) -> bool:
    return name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")


def test_no_test_module_imports_another():
    imports = {
        (str(path.relative_to(ROOT)), module)
        for path in sorted(TESTS.rglob("test_*.py"))
        for module in imported_modules(path)
        if is_test_module(module)
    }
    assert imports == set()


def test_the_rule_sees_every_kind_of_import(tmp_path):
    folder = tmp_path / "tests" / "integration"
    folder.mkdir(parents=True)
    module = folder / "test_example.py"
    module.write_text(
        "import tests.common.test_mail\n"
        "from tests.runsite.test_site import ROOT\n"
        "from .test_proxy_cache import Proxy\n"
        "from . import test_shutdown, forms\n"
        "def later():\n"
        "    from tests.articles.test_views import add_approved_comments\n"
    )
    imports = {name for name in imported_modules(module, root=tmp_path) if is_test_module(name)}
    assert imports == {
        "tests.common.test_mail",
        "tests.runsite.test_site",
        "tests.integration.test_proxy_cache",
        "tests.integration.test_shutdown",
        "tests.articles.test_views",
    }


def test_a_laptop_run_leaves_out_the_tests_that_need_a_service():
    """`-m "not integration and not e2e"` keeps no test that needs Redis or PostgreSQL, whether
    its module marks it (full-text search) or only its fixtures say so (the version mirror)."""
    collected = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
            "-m", "not integration and not e2e",
            "tests/articles/test_services.py", "tests/integration/test_version_mirror.py",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    kept = [line for line in collected.stdout.splitlines() if "::" in line]

    assert "tests/articles/test_services.py::test_search_ignores_an_empty_query" in kept
    assert [test for test in kept if "postgresql" in test or "version_mirror" in test] == []
