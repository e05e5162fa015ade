"""Static files as production serves them: hashed names, gzip and brotli copies, a year of
browser caching, and small enough to matter on a phone."""

import json

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

CSS_BUDGET = 30 * 1024  # compressed
JS_BUDGET = 10 * 1024  # compressed, and no page needs it to be read


@pytest.fixture
def production_static(settings, collected_static):
    root, storages = collected_static
    settings.STATIC_ROOT = root
    settings.STORAGES = storages
    return root


def _own_files(root, suffix):
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    return {
        name: root / hashed
        for name, hashed in manifest.items()
        if name.endswith(suffix) and not name.startswith("admin/")
    }


def test_css_and_javascript_stay_within_their_compressed_budgets(production_static):
    css = _own_files(production_static, ".css")
    js = _own_files(production_static, ".js")

    assert "css/site.css" in css
    for files, budget in ((css, CSS_BUDGET), (js, JS_BUDGET)):
        for suffix in (".gz", ".br"):
            total = sum(
                path.with_name(path.name + suffix).stat().st_size for path in files.values()
            )
            assert total <= budget, f"{sorted(files)} are {total} bytes as {suffix}"


def test_pages_link_the_hashed_stylesheet_which_is_cached_for_a_year_and_sent_compressed(
    production_static,
):
    page = Client().get(reverse("home")).content.decode()
    hashed = _own_files(production_static, ".css")["css/site.css"].name
    assert f'href="/static/css/{hashed}"' in page

    response = Client().get(f"/static/css/{hashed}", HTTP_ACCEPT_ENCODING="gzip, br")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]


def test_no_page_needs_a_script_to_be_read(client):
    page = client.get(reverse("home")).content

    assert b"<script src" not in page
