"""The cases the security suite walks, named once: the modules that run them take them from
here, and test_xss sums them up without importing another test module."""

from .urlwalk import endpoints

# Every URL pattern: the access walk opens each one, the CSRF walk posts to each one.
URLS_WALKED = len(endpoints())
POST_ENDPOINTS = len(endpoints())

# Where a `next=` parameter might try to send someone, and the forms that follow one.
OFFSITE_TARGETS = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "///evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "/\t/evil.example",
]
REDIRECTING_FORMS = [
    "allauth login",
    "allauth login when signed in",
    "allauth signup",
    "allauth logout",
    "cheer",
    "cookie consent",
    "admin login",
]
REDIRECT_CASES = len(OFFSITE_TARGETS) * len(REDIRECTING_FORMS)


# The headers every response carries, whichever middleware answered it (a refused Host, a
# page from the cache, a rendered one).
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)
