"""The house's rules that a reader of the code relies on, checked on the source itself.

- Dependencies run one way: `actions` may import `minutes`, nothing in `minutes` imports
  `actions` (migrations aside); `actions` adds its parts to the minutes by registering them.
- The edit-with-conflict flow lives in one module (minutes/editing.py): no view catches
  EditConflict or retargets a refused save itself.
- Views fetch, call and respond: no view module over 300 lines.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("minutes", "actions", "opsg")
MAX_VIEW_LINES = 300


def python_files(package):
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def imported_modules(path):
    """Every module a file imports, at the top or inside a function (absolute names)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            yield node.lineno, node.args[0].value


def _is_dynamic_import(call):
    name = getattr(call.func, "attr", getattr(call.func, "id", ""))
    first = call.args[0] if call.args else None
    return name in ("import_module", "__import__") and isinstance(getattr(first, "value", None), str)


def imports_of(package, target):
    found = []
    for path in python_files(package):
        for line, module in imported_modules(path):
            if module == target or module.startswith(f"{target}."):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_minutes_never_imports_actions():
    assert imports_of("minutes", "actions") == []


def test_the_check_finds_an_import_of_actions_wherever_it_is(tmp_path):
    source = tmp_path / "module.py"
    source.write_text(
        "import actions\nfrom actions.models import Action\n"
        "def f():\n    from actions import signals\n    importlib.import_module('actions.chart')\n"
    )
    assert [module for _, module in imported_modules(source)] == [
        "actions",
        "actions.models",
        "actions",
        "actions.chart",
    ]


def _sources(package):
    return {path: path.read_text() for path in python_files(package)}


@pytest.mark.parametrize("package", APPS)
def test_the_edit_conflict_flow_lives_in_minutes_editing_only(package):
    flow = ROOT / "minutes" / "editing.py"
    copies = [
        f"{path.relative_to(ROOT)}: {marker}"
        for path, text in _sources(package).items()
        if path != flow
        for marker in ("except EditConflict", "HX-Retarget", ".rebase(error")
        if marker in text
    ]
    assert copies == []


def test_no_view_module_is_over_300_lines():
    long = [
        f"{path.relative_to(ROOT)}: {len(path.read_text().splitlines())} lines"
        for app in ("minutes", "actions")
        for path in sorted((ROOT / app / "views").glob("*.py"))
        if len(path.read_text().splitlines()) > MAX_VIEW_LINES
    ]
    assert long == []


def test_site_wide_concerns_and_seeding_live_in_opsg():
    for name in ("two_factor.py", "session_limits.py", "security.py", "warmup.py", "demo.py"):
        assert (ROOT / "opsg" / name).exists(), name
        assert not (ROOT / "minutes" / name).exists(), name
    for command in ("load_demo.py", "generate_load_data.py"):
        assert (ROOT / "opsg" / "management" / "commands" / command).exists(), command
