"""Error reporting to Sentry, switched on by SENTRY_DSN (settings, Operations)."""

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from sentry_sdk.types import DataCollectionUserOptions

# What a report may carry. Not send_default_pii=False (deprecated in sentry-sdk 2.x): that still
# sends form bodies, query strings and stack-frame variables, where members' addresses and the
# tokens of our emailed links travel. The request id header ties a report to the log lines.
DATA_COLLECTION: "DataCollectionUserOptions" = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {
        "request": {
            "mode": "allowlist",
            "terms": ["accept", "content-type", "content-length", "user-agent", "x-request-id"],
        }
    },
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


def sample_rate(text: str) -> float:
    """SENTRY_TRACES_SAMPLE_RATE as a share from 0 to 1, or a message naming the variable."""
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not {text!r}."
        )
    return rate


def init_sentry(
    *,
    dsn: str,
    environment: str = "",
    release: str = "",
    traces_sample_rate: float = 0.0,
    transport=None,
) -> bool:
    """Start reporting errors when a DSN is given; web and worker processes both load settings."""
    if not dsn:
        return False
    # Imported here: the SDK and its integrations take most of a second to import, which every
    # process (manage.py, tests) would pay with reporting off.
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection=DATA_COLLECTION,
        environment=environment or None,
        release=release or None,
        # 0 turns tracing off altogether rather than starting transactions that are never sent.
        traces_sample_rate=traces_sample_rate or None,
        transport=transport,
    )
    return True
