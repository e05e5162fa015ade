"""Newsletter use cases: subscriptions, sending issues, the beginner series."""
