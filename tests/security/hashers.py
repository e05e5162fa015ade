from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CostlyHasher(PBKDF2PasswordHasher):
    """A hash that costs about a tenth of a second here, as production's does more: enough for
    a timing difference to show, cheap enough for thirty sign-ups each way."""

    iterations = 250_000
