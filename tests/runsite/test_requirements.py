"""The requirement files: production installs requirements.txt alone, so it holds what the site
runs on and no test or tooling package; requirements-dev.txt adds those on the same pins; and
both stay compiled from their .in files (`make lock`), every package pinned with its hashes."""

import re

from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def name(package: str) -> str:
    return re.sub(r"[-_.]+", "-", package).lower()


def pins(filename: str) -> dict[str, str]:
    return {name(package): version for package, version in PIN.findall(read(filename))}


def read(filename: str) -> str:
    return (ROOT / filename).read_text()


def test_every_direct_requirement_is_compiled_at_its_own_version():
    for source, compiled in (
        ("requirements.in", "requirements.txt"),
        ("requirements-dev.in", "requirements-dev.txt"),
    ):
        wanted, locked = pins(source), pins(compiled)
        assert wanted, f"{source} pins nothing"
        drifted = {p: (v, locked.get(p)) for p, v in wanted.items() if locked.get(p) != v}
        assert not drifted, f"{compiled} is stale against {source} (run `make lock`): {drifted}"


def test_production_requirements_hold_no_test_or_tooling_package():
    runtime = pins("requirements.txt")
    # cryptography is in both: the tests import it, and SES mail (django-anymail) needs it.
    tooling = pins("requirements-dev.in").keys() - {"cryptography"}
    assert sorted(runtime.keys() & tooling) == []


def test_the_tooling_keeps_the_sites_pins():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    shared = runtime.keys() & dev.keys()
    assert {p: (runtime[p], dev[p]) for p in shared if runtime[p] != dev[p]} == {}
    assert "-c requirements.txt" in read("requirements-dev.in")


def test_every_compiled_package_is_pinned_with_hashes():
    for compiled in ("requirements.txt", "requirements-dev.txt"):
        entries = [
            entry
            for entry in re.split(r"\n(?=\S)", read(compiled))
            if entry.strip() and not entry.startswith("#")
        ]
        assert entries
        unpinned = [e.splitlines()[0] for e in entries if not PIN.match(e) or "--hash=" not in e]
        assert unpinned == [], f"{compiled}: {unpinned}"
