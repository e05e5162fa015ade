from datetime import timedelta

import factory
from django.utils import timezone

from newsletter.models import (
    Delivery,
    Issue,
    IssueArticle,
    MailProvider,
    ProviderEvent,
    SeriesDelivery,
    Subscriber,
    SuppressedAddress,
)
from tests.articles.factories import ArticleFactory


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber to the weekly letter; the traits give the other statuses."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscriber.Status.CONFIRMED
    confirmed_at = factory.LazyAttribute(
        lambda subscriber: (
            timezone.now() if subscriber.status == Subscriber.Status.CONFIRMED else None
        )
    )

    class Params:
        pending = factory.Trait(status=Subscriber.Status.PENDING)
        unsubscribed = factory.Trait(
            status=Subscriber.Status.UNSUBSCRIBED,
            unsubscribed_at=factory.LazyFunction(timezone.now),
        )
        bounced = factory.Trait(status=Subscriber.Status.BOUNCED, bounce_count=1)


class IssueFactory(factory.django.DjangoModelFactory):
    """A draft issue; `sent=True` for one in the archive, `scheduled=True` for one due soon."""

    class Meta:
        model = Issue

    subject = "Week 12: easy miles"
    preheader = "Why slow is the fast way"
    intro = "Hello **runners**."
    closing = "See you out there."

    class Params:
        sent = factory.Trait(status=Issue.Status.SENT, sent_at=factory.LazyFunction(timezone.now))
        scheduled = factory.Trait(
            status=Issue.Status.SCHEDULED,
            scheduled_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1)),
        )


class IssueArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueArticle

    issue = factory.SubFactory(IssueFactory)
    article = factory.SubFactory(ArticleFactory)
    order = factory.Sequence(int)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    issue = factory.SubFactory(IssueFactory)
    subscriber = factory.SubFactory(SubscriberFactory)


class SeriesDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeriesDelivery

    subscriber = factory.SubFactory(SubscriberFactory)
    step = 1


class SuppressedAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuppressedAddress

    email = factory.Sequence(lambda n: f"gone{n}@example.com")
    reason = SuppressedAddress.Reason.BOUNCED


class ProviderEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderEvent

    provider = MailProvider.MAILGUN
    event_id = factory.Sequence(lambda n: f"event-{n}")
    event_type = "delivered"
    recipient = factory.Sequence(lambda n: f"reader{n}@example.com")
