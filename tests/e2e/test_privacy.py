from urllib.parse import urlsplit

import pytest

from common import cookies
from tests.articles.factories import ArticleFactory, ImageFactory, SectionFactory, ThemeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NECESSARY = {c.name for c in cookies.COOKIES if c.category == "necessary"}


def test_a_fresh_browser_gets_only_necessary_cookies_and_no_third_party_requests(live_server, page):
    theme = ThemeFactory(title="Run toward calm", hero_image=ImageFactory())
    article = ArticleFactory(theme=theme, section=SectionFactory(theme=theme))
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    public = ["/", "/themes/", theme.get_absolute_url(), article.get_absolute_url(),
              "/stories/", "/search/?q=run", "/community/", "/community/cities/",
              "/privacy/", "/accounts/login/", "/accounts/signup/"]  # fmt: skip

    for path in public:
        page.goto(live_server.url + path)
    page.shot("before-choice")

    names = {cookie["name"] for cookie in page.context.cookies()}
    assert names <= NECESSARY - {cookies.CONSENT_COOKIE}
    assert hosts == {urlsplit(live_server.url).netloc}

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Reject non-essential").click()
    page.wait_for_load_state()
    page.shot("after-reject")
    assert page.get_by_role("heading", name="Privacy overview").count() == 0
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert cookies.CONSENT_COOKIE in names
    assert names <= NECESSARY
