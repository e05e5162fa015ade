"""`.env.example` lists every variable the site reads, and none it does not: the settings'
`env.…("NAME")` calls (base.py, prod.py), gunicorn.conf.py's and the Procfile's. Read from the
source, so a new setting without its line fails here rather than surprise a new user."""

import ast
import re

from tests.conftest import ROOT


def _constant_first_argument(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_env_call(call: ast.Call) -> bool:
    """env("X"), env.str("X"), env.bool("X")…: django-environ's reader in the settings."""
    func = call.func
    if isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id == "env"


def _is_provider_secret(call: ast.Call) -> bool:
    """_provider_secret("MAILGUN_API_KEY", …): base.py's reader of a provider's required secret."""
    return isinstance(call.func, ast.Name) and call.func.id == "_provider_secret"


def _is_environ_get(call: ast.Call) -> bool:
    return ast.unparse(call.func) in {"os.environ.get", "os.getenv"}


def read_variables() -> dict[str, str]:
    """Each variable read by name, with the file that reads it."""
    found = {}
    for path, reads in (
        ("runsite/settings/base.py", lambda call: _is_env_call(call) or _is_provider_secret(call)),
        ("runsite/settings/prod.py", lambda call: _is_env_call(call) or _is_environ_get(call)),
        ("gunicorn.conf.py", _is_environ_get),
    ):
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            if isinstance(node, ast.Call) and reads(node):
                name = _constant_first_argument(node)
                if name:
                    found.setdefault(name, path)
    for name in re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "Procfile").read_text()):
        found.setdefault(name, "Procfile")
    return found


def listed_variables() -> set[str]:
    """The names in .env.example, set or commented out (`# NAME=default`)."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.M))


def test_the_settings_are_read_as_this_test_expects():
    variables = read_variables()
    for name in ("SECRET_KEY", "DATABASE_URL", "NEWSLETTER_BATCH_SIZE", "WEB_CONCURRENCY"):
        assert name in variables
    assert "WORKER_CONCURRENCY" in variables  # from the Procfile


def test_env_example_lists_every_variable_the_site_reads():
    missing = {
        name: path for name, path in read_variables().items() if name not in listed_variables()
    }
    assert missing == {}, f".env.example misses variables read here: {missing}"


def test_env_example_lists_no_variable_the_site_does_not_read():
    assert sorted(listed_variables() - read_variables().keys()) == []
