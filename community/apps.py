from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        from runsite.pagecache import PARTS, watch

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
        from .services.comments import comment_thread_version_name

        watch(Comment, "comments", names_for=lambda comment: [comment_thread_version_name(comment)])
        for model in (City, Club, Route, Share, Cheer, PartnerPost, Goal, GoalUpdate):
            watch(model, "community")
        # A member's shown name and picture appear beside everything they wrote.
        watch(Profile, *PARTS)
