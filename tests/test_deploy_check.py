"""`manage.py check --deploy` passes with exactly the variables the README's Production section lists.

The variables and their examples are read from the README's table, so README and
test cannot drift: a variable production needs but the table lacks, or one the table
names that settings.py does not read, fails here. Each check runs in a subprocess
with a clean environment: the README's variables and nothing else, apart from
STATIC_ROOT, a temporary folder for `collectstatic` (production runs it before any
other command; the manifest it writes is what DEBUG=0 serves static files from), so
that the shared checkout's staticfiles/ is left alone.
"""

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<example>[^|]*)\|(?P<meaning>[^|]*)\|\s*$")


def production_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Production\n(.*?)(?=^## )", readme, re.M | re.S)
    assert match, "README.md has no Production section"
    return match.group(1)


def production_variables():
    """{name: example} from the README's Production table; a fresh SECRET_KEY, never a printed one."""
    variables = {}
    for line in production_section().splitlines():
        row = ROW.match(line)
        if not row:
            continue
        name = row["name"]
        if name == "SECRET_KEY":
            variables[name] = secrets.token_urlsafe(50)
            continue
        example = re.search(r"`([^`]*)`", row["example"])
        assert example, f"README Production table: no example for {name}"
        variables[name] = example.group(1)
    return variables


def manage(*args, env):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    """The README's variables, and a STATIC_ROOT that `collectstatic` has filled."""
    env = {**production_variables(), "STATIC_ROOT": str(tmp_path_factory.mktemp("static"))}
    collected = manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    return env


def deploy_check(env):
    return manage("check", "--deploy", "--fail-level", "WARNING", env=env)


def test_the_readme_lists_the_production_variables():
    variables = production_variables()
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SECURE_PROXY"} <= variables.keys()
    assert variables["DEBUG"] == "0"
    assert variables["DATABASE_URL"].startswith("postgres://")
    settings_source = (ROOT / "opsg" / "settings.py").read_text(encoding="utf-8")
    unread = [name for name in variables if f'"{name}"' not in settings_source]
    assert unread == [], f"README names variables that opsg/settings.py does not read: {unread}"


def test_the_production_variables_pass_the_deploy_check(production_env):
    result = deploy_check(production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "issue"),
    [
        ("DEBUG", "1", "security.W018"),
        ("SECRET_KEY", "too-short-a-key", "security.W009"),
        ("SECRET_KEY", None, "security.W009"),  # not set: the try-out key, "django-insecure-…"
        ("SESSION_COOKIE_SECURE", "0", "security.W012"),
        ("SECURE_HSTS_PRELOAD", None, "security.W021"),
    ],
    ids=["DEBUG=1", "short SECRET_KEY", "no SECRET_KEY", "SESSION_COOKIE_SECURE=0", "no SECURE_HSTS_PRELOAD"],
)
def test_a_production_mistake_fails_the_deploy_check(production_env, name, value, issue):
    env = {key: val for key, val in production_env.items() if key != name}
    if value is not None:
        env[name] = value
    result = deploy_check(env)
    assert result.returncode != 0, result.stdout + result.stderr
    assert issue in result.stderr, result.stdout + result.stderr
