"""Newsletter rows the sending tests start from: confirmed subscribers and an issue to send."""

from django.utils import timezone

from newsletter.models import Issue, Subscriber


def confirmed_subscribers(count: int, *, prefix: str = "runner") -> list[str]:
    addresses = [f"{prefix}{n:05d}@example.com" for n in range(count)]
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=address, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
            )
            for address in addresses
        ],
        batch_size=2000,
    )
    return addresses


def make_issue(**fields) -> Issue:
    fields = {"subject": "Week 12: easy miles", "intro": "Hello **runners**.", **fields}
    return Issue.objects.create(**fields)


def status_of(issue: Issue) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=issue.pk)
