from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from community.models import City, Comment, Goal, GoalUpdate, PartnerPost, Share, Status
from newsletter.models import Issue, Subscriber
from tests.articles.factories import ArticleFactory, SectionFactory, TopicFactory
from tests.community.factories import (
    CityFactory,
    CommentFactory,
    GoalFactory,
    GoalUpdateFactory,
    MemberFactory,
    PartnerPostFactory,
    ProfileFactory,
    ShareFactory,
)
from tests.newsletter.factories import SubscriberFactory

from .urlwalk import Endpoint


@dataclass
class World:
    """One of everything a URL can point at, owned by `owner`; `other` is a second member."""

    owner: object
    other: object
    city: City
    article: object
    topic: object
    share: Share
    comment: Comment
    goal: Goal
    update: GoalUpdate
    post: PartnerPost
    issue: Issue
    subscriber: Subscriber

    def candidates(self, endpoint: Endpoint) -> dict[str, list[str]]:
        """Values for the endpoint's URL kwargs: the pk of the object its name is about."""
        key = endpoint.key
        by_name = [
            ("goalupdate", self.update),
            ("goal", self.goal),
            ("comment", self.comment),
            ("share", self.share),
            ("post", self.post),
            ("member", self.owner.profile),
            ("issue", self.issue),
        ]
        pk = next((str(obj.pk) for word, obj in by_name if word in key), "1")
        slug = self.article.slug
        if "theme" in key:
            slug = self.article.theme.slug
        elif "topic" in key:
            slug = self.topic.slug
        elif "city" in key or "suggestion" in key or "post-create" in key:
            slug = self.city.slug
        return {
            "pk": [pk],
            "slug": [slug],
            "object_id": [str(self.article.pk)],
            "app_label": sorted({model._meta.app_label for model in admin.site._registry}),
        }


@pytest.fixture
def other():
    return MemberFactory(username="olga", profile__display_name="Olga")


@pytest.fixture
def world(member, other):
    ProfileFactory(user=member, display_name="Mira")
    city = CityFactory(name="Leeds")
    section = SectionFactory()
    topic = TopicFactory()
    article = ArticleFactory(theme=section.theme, section=section, topics=[topic])
    share = ShareFactory(author=member, text="Ran 5K.", status=Status.APPROVED)
    comment = CommentFactory(article=article, author=member, body="Lovely.", status=Status.APPROVED)
    goal = GoalFactory(
        member=member,
        preset=Goal.Preset.OWN,
        title="Run a 5K",
        why="For calm.",
        target_on=timezone.localdate() + timedelta(days=60),
    )
    update = GoalUpdateFactory(
        goal=goal, month=timezone.localdate().replace(day=1), note="Good month.", mood=4
    )
    post = PartnerPostFactory(city=city, author=member, title="Slow 5K?", text="Sat 9am")
    issue = Issue.objects.create(
        subject="Rest days", intro="Hello.", status=Issue.Status.SENT, sent_at=timezone.now()
    )
    subscriber = SubscriberFactory(
        email="sam@example.com", status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    return World(
        owner=member,
        other=other,
        city=city,
        article=article,
        topic=topic,
        share=share,
        comment=comment,
        goal=goal,
        update=update,
        post=post,
        issue=issue,
        subscriber=subscriber,
    )


def logged_in(user, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(user)
    return client
