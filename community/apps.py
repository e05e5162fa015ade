from functools import partial

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        from articles.models import add_to_cards
        from common.mail import register_stop
        from common.pagecache import PARTS, watch

        from .models import (
            Cheer,
            City,
            Club,
            Comment,
            Goal,
            GoalUpdate,
            PartnerPost,
            Profile,
            Route,
            Share,
        )
        from .services.comments import with_comment_counts
        from .services.profiles import MAIL_KINDS

        add_to_cards(with_comment_counts, "comment_count")  # cards show their comment count

        watch(Comment, "comments")
        for model in (City, Club, Route, Share, Cheer, PartnerPost, Goal, GoalUpdate):
            watch(model, "community")
        # A member's shown name and picture appear beside everything they wrote.
        watch(Profile, *PARTS)
        # The unsubscribe mailbox stops these kinds as the one-click links do.
        for kind in MAIL_KINDS:
            register_stop(kind, partial(_stop, kind))


def _stop(kind: str, token: str) -> bool:
    from .services.profiles import turn_off_mail

    return turn_off_mail(kind=kind, token=token) is not None
