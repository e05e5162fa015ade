from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from community.models import (
    Cheer,
    City,
    Club,
    Comment,
    CommentReport,
    Goal,
    GoalUpdate,
    PartnerPost,
    Profile,
    Route,
    Share,
    Status,
)
from tests.articles.factories import ArticleFactory

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    """An account as sign-up leaves it, before the member has opened their profile page.

    `verified_email=True` adds the verified, primary allauth address that confirming the sign-up
    mail gives; without it the account has none, as with `create_user`."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = PASSWORD

    class Params:
        verified_email = factory.Trait(
            email_address=factory.RelatedFactory(
                "tests.community.factories.EmailAddressFactory", factory_related_name="user"
            )
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # create_user hashes the password, so a test client can sign in with PASSWORD.
        return model_class._default_manager.create_user(*args, **kwargs)


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.LazyAttribute(lambda city: slugify(city.name))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda profile: profile.user.username.title())


class MemberFactory(UserFactory):
    """A member with a profile, as after their first visit to the profile page; set the
    profile's fields with `profile__…` (`MemberFactory(username="olga", profile__city=leeds)`)."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user")


class ClubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Club

    city = factory.SubFactory(CityFactory)
    name = "Easy Striders"
    description = "A friendly group that waits for everyone."


class RouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Route

    city = factory.SubFactory(CityFactory)
    name = "Canal loop"
    description = "Flat, lit and with benches."
    distance_km = Decimal("5.0")


class PartnerPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerPost

    city = factory.SubFactory(CityFactory)
    author = factory.SubFactory(MemberFactory)
    title = "Slow Saturday 5K partner?"
    text = "I run about 7:30 per km and like to chat."


class ShareFactory(factory.django.DjangoModelFactory):
    """An approved share, as a trusted member's is; `pending=True` for a first one."""

    class Meta:
        model = Share

    author = factory.SubFactory(MemberFactory)
    text = "Ran my first 5K!"
    status = Status.APPROVED

    class Params:
        pending = factory.Trait(status=Status.PENDING)
        rejected = factory.Trait(status=Status.REJECTED)


class CheerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cheer

    share = factory.SubFactory(ShareFactory)
    member = factory.SubFactory(MemberFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment on a new article, unless given a share or partner post instead."""

    class Meta:
        model = Comment

    share = None
    partner_post = None
    article = factory.Maybe(
        "on_article", yes_declaration=factory.SubFactory(ArticleFactory), no_declaration=None
    )
    author = factory.SubFactory(MemberFactory)
    body = "A comment."
    status = Status.APPROVED

    class Params:
        on_article = factory.LazyAttribute(
            lambda comment: comment.share is None and comment.partner_post is None
        )
        pending = factory.Trait(status=Status.PENDING)


class CommentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommentReport

    comment = factory.SubFactory(CommentFactory)
    reporter = factory.SubFactory(MemberFactory)
    reason = "Unkind."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    member = factory.SubFactory(UserFactory)
    preset = Goal.Preset.FEEL_GOOD_5K
    title = "A feel-good 5K"
    target_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))


class GoalUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalUpdate

    goal = factory.SubFactory(GoalFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    note = "Fine."
