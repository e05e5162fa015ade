"""No account enumeration by timing: signing up with a known address takes as long as with a
new one. Measured like a benchmark, the two paths against each other in the same run."""

import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.community.factories import EmailAddressFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"
TRIES = 30


def _sign_up(email: str) -> float:
    browser = Client()
    started = time.perf_counter()
    response = browser.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    return elapsed


def test_signing_up_with_a_known_address_takes_as_long_as_with_a_new_one(settings, member):
    settings.PASSWORD_HASHERS = ["tests.security.hashers.CostlyHasher"]
    # allauth's sign-up limit (per client) would stop sixty sign-ups from one address.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1000/m/ip"}
    EmailAddressFactory(user=member)
    known, new = [], []
    for number in range(TRIES):  # interleaved, so a busy moment costs both paths alike
        known.append(_sign_up(member.email))
        new.append(_sign_up(f"new{number}@example.com"))

    new_median, known_median = statistics.median(new), statistics.median(known)

    assert abs(new_median - known_median) < 0.050, (
        f"median sign-up: new {new_median:.3f} s, known {known_median:.3f} s"
    )
