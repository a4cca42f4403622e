"""Tests mirror the code: every module that does something has a test module named after it.

A module of ``kesu/<app>/<package>/<name>.py`` is tested in
``kesu/<app>/tests/<package>/test_<name>.py``; a module of the project package itself
(``kesu/wsgi.py``) in ``kesu/tests/test_<name>.py``; a management command in the app's
``tests/commands/test_<command>.py`` or ``tests/test_<command>.py``. Tests of a module at the top of an app may sit in a
grouping folder of their own (``tests/pages/``, ``tests/e2e/``) that names no package of the
app. Modules without a function or method — choices, limits, hook declarations, URL tables —
declare and do not act, so they need no module of their own. Tests that cross modules (the
crawl, the access matrix, the end-to-end days) are kept besides, named for what they check.
"""

import ast
from pathlib import Path

import kesu

PROJECT = Path(kesu.__file__).parent
NOT_CODE = {"__init__.py", "apps.py", "conftest.py"}


def _acts(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) for node in ast.walk(tree))


def _source_modules():
    for path in sorted(PROJECT.rglob("*.py")):
        parts = path.relative_to(PROJECT).parts
        if "tests" in parts or "migrations" in parts or path.name in NOT_CODE:
            continue
        if _acts(path):
            yield path


def _test_homes(module: Path) -> list[Path]:
    parts = module.relative_to(PROJECT).parts
    name = f"test_{module.stem}.py"
    if len(parts) == 1:
        return [PROJECT / "tests" / name]
    app, packages = PROJECT / parts[0], parts[1:-1]
    if packages[-2:] == ("management", "commands"):
        return [app / "tests" / "commands" / name, app / "tests" / name]
    homes = [app / "tests" / Path(*packages) / name]
    if not packages:
        app_packages = {p.name for p in app.iterdir() if (p / "__init__.py").exists()}
        homes += [
            folder / name
            for folder in (app / "tests").glob("*/")
            if folder.is_dir() and folder.name not in app_packages
        ]
    return homes


def test_every_module_that_acts_has_a_test_module_named_after_it():
    missing = [
        str(module.relative_to(PROJECT.parent))
        for module in _source_modules()
        if not any(home.exists() for home in _test_homes(module))
    ]
    assert missing == [], "modules without a test module: " + ", ".join(missing)


def test_the_rule_finds_a_module_without_tests(tmp_path, monkeypatch):
    app = tmp_path / "kesu" / "shop"
    (app / "tests").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "prices.py").write_text("def price():\n    return 1\n")
    (app / "choices.py").write_text("COLOURS = ['red']\n")
    monkeypatch.setattr(f"{__name__}.PROJECT", tmp_path / "kesu")
    modules = [m.name for m in _source_modules()]
    assert modules == ["prices.py"]
    assert not any(home.exists() for home in _test_homes(app / "prices.py"))
    (app / "tests" / "test_prices.py").write_text("")
    assert any(home.exists() for home in _test_homes(app / "prices.py"))


def _imports_the_browser_fixture(source: str) -> bool:
    import ast

    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "kesu.web.tests.e2e.conftest"
        and any(alias.name == "browser" for alias in node.names)
        for node in ast.walk(ast.parse(source))
    )


def test_only_the_e2e_folder_starts_a_browser():
    """Playwright's sync API runs one instance per process: a second copy of the session-wide
    `browser` fixture (imported into a test module elsewhere) breaks every browser test after it."""
    from pathlib import Path

    kesu = Path(__file__).resolve().parents[1]
    e2e = kesu / "web" / "tests" / "e2e"
    offenders = [
        str(path.relative_to(kesu))
        for path in kesu.rglob("test_*.py")
        if e2e not in path.parents and _imports_the_browser_fixture(path.read_text("utf-8"))
    ]
    assert not offenders, offenders
    assert _imports_the_browser_fixture(
        "from kesu.web.tests.e2e.conftest import (  # noqa (the fixtures)\n    browser,\n)\n"
    )


def _times_itself(source: str) -> bool:
    """A stopwatch in a test: `time.perf_counter()` or `time.process_time()` called."""
    return any(
        isinstance(node, ast.Attribute) and node.attr in {"perf_counter", "process_time"}
        for node in ast.walk(ast.parse(source))
    )


def test_no_unit_test_times_the_code():
    """Speed is measured by bench/, on a quiet machine, not asserted by a unit test: a timed
    assertion fails when the machine is busy and passes when the code got slower on a fast one."""
    offenders = [
        str(path.relative_to(PROJECT))
        for path in PROJECT.rglob("test_*.py")
        if _times_itself(path.read_text("utf-8"))
    ]
    assert not offenders, offenders
    assert _times_itself("import time\nstarted = time.perf_counter()\n")
    assert not _times_itself("deadline = time.monotonic() + 20\n")


# Issue 10: a write or read of the domain is made of named steps. No function of a services or
# selectors module (nor of the modules that hold the procedure's moves, the deadlines' and the
# callbacks' planning) may grow past this many lines, docstring included; split it into steps.
LONGEST_STEP = 80
STEP_MODULES = {"services.py", "selectors.py", "workflow.py", "tracking.py", "plans.py"}


def _long_functions(root: Path, limit: int) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts or path.name not in STEP_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length})")
    return found


def test_no_service_or_selector_function_is_longer_than_a_screen():
    assert _long_functions(PROJECT, LONGEST_STEP) == []


def test_the_named_steps_of_issue_10_stay_split():
    """complaint_register, task_record_outcome and milestones_after_move were split into
    steps (issue 10 item 6): named here so that moving one out of a step module does not
    lift the bound off it."""
    import inspect

    from kesu.callbacks.services import task_record_outcome
    from kesu.complaints.services import complaint_register
    from kesu.sla.tracking import milestones_after_move

    for function in (complaint_register, task_record_outcome, milestones_after_move):
        assert len(inspect.getsource(function).splitlines()) <= LONGEST_STEP, function.__name__


def test_the_length_rule_finds_a_long_service(tmp_path):
    app = tmp_path / "shop"
    app.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(10))
    (app / "services.py").write_text("def long():\n" + body)
    (app / "views.py").write_text("def long():\n" + body)
    assert _long_functions(tmp_path, 5) == ["shop/services.py:1 long (11)"]
