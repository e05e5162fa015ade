from django.conf import settings


def site(request):
    """The site's name and public origin, for titles, canonical URLs and meta tags, and how long
    shared template fragments are cached."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
    }


def cookie_consent(request):
    """The visitor's cookie choice; None means the banner asks."""
    from common import consent

    return {"cookie_consent": consent.read(request)}
