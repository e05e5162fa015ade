"""A client for the reverse proxy the integration tests start in front of the site: plain
http.client, any cookies set by hand, from the loopback address the test names."""

import http.client
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def cache(self) -> str | None:
        """nginx's verdict: HIT, MISS, BYPASS, EXPIRED, STALE, ... (None: not cacheable)."""
        return self.headers.get("X-Cache-Status")

    @property
    def cache_control(self) -> str:
        return self.headers.get("Cache-Control", "")

    @property
    def set_cookies(self) -> dict[str, str]:
        """The cookies this response sets (an empty value: deleted)."""
        jar = SimpleCookie()
        for line in self.headers.get_all("Set-Cookie") or []:
            jar.load(line)
        return {
            name: "" if morsel["max-age"] == "0" else morsel.value for name, morsel in jar.items()
        }


class Proxy:
    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"

    def request(
        self, method, path, *, headers=None, form=None, body=None, cookies=None, client="127.0.0.1"
    ) -> Reply:
        """`client`: the loopback address the request comes from, as nginx sees it."""
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=15, source_address=(client, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path, **options) -> Reply:
        return self.request("GET", path, **options)

    def post_from_page(self, path, form, *, page, origin=None, **options) -> Reply:
        """A form post as a browser sends it from one of the site's pages."""
        origin = origin or self.origin
        headers = {
            "Origin": origin,
            "Referer": f"{origin}{page}",
            "Sec-Fetch-Site": "same-origin",
            **options.pop("headers", {}),
        }
        return self.request("POST", path, form=form, headers=headers, **options)
