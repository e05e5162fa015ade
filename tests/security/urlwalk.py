"""Every URL the project answers, found by walking the URL configuration, with a concrete path
for each: the access, CSRF and login tests go through this one list, so a view added later is
checked without anyone remembering to add it."""

import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern


@dataclass(frozen=True)
class Endpoint:
    key: str  # "namespace:name", or the route when the pattern has no name
    route: str
    callback: object
    levels: tuple  # the pattern objects from the root to this view

    @property
    def kwargs(self) -> list[str]:
        names = []
        for pattern in self.levels:
            names += list(pattern.pattern.regex.groupindex)
        return names


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(resolver: URLResolver, levels: tuple, namespace: str):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, (*levels, entry), inner)
            elif isinstance(entry, URLPattern):
                route = "".join(str(level.pattern) for level in (*levels, entry))
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    key = route
                if any(seen.route == route for seen in found):
                    continue  # shadowed by an earlier pattern (the site's own sign-in page)
                found.append(Endpoint(key, route, entry.callback, (*levels, entry)))

    walk(get_resolver(), (), "")
    return found


_ROUTE_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _fill_route(pattern: str, values: dict[str, str]) -> str:
    return _ROUTE_PART.sub(lambda match: values[match["name"]], pattern)


def _fill_regex(pattern: str, values: dict[str, str]) -> str:
    """A regex pattern with each named group replaced by its value (groups may nest parens)."""
    out, index = [], 0
    while (start := pattern.find("(?P<", index)) != -1:
        out.append(pattern[index:start])
        name = pattern[start + 4 : pattern.index(">", start)]
        depth, position = 0, start
        while True:
            if pattern[position] == "\\":
                position += 2
                continue
            if pattern[position] == "(":
                depth += 1
            elif pattern[position] == ")":
                depth -= 1
                if depth == 0:
                    break
            position += 1
        out.append(values[name])
        index = position + 1
    out.append(pattern[index:])
    return "".join(out).lstrip("^").rstrip("$").replace("\\", "")


def path_for(endpoint: Endpoint, candidates: dict[str, list[str]]) -> str:
    """A path that resolves to `endpoint`, trying each kwarg's candidate values in turn."""
    names = endpoint.kwargs
    options = [[*candidates.get(name, []), "1", "x"] for name in names]
    for choice in itertools.islice(itertools.product(*options), 500):
        values = dict(zip(names, choice, strict=True))
        parts = []
        for level in endpoint.levels:
            pattern = level.pattern
            if isinstance(pattern, RoutePattern):
                parts.append(_fill_route(str(pattern), values))
            elif isinstance(pattern, RegexPattern):
                parts.append(_fill_regex(pattern.regex.pattern, values))
        path = "/" + "".join(parts)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func is endpoint.callback:
            return path
    raise AssertionError(f"no path found that resolves to {endpoint.key} ({endpoint.route})")


def is_login_redirect(response, login_paths: set[str]) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    return urlsplit(response["Location"]).path in login_paths
