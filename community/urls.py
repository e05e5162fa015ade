from django.urls import path

from .views import cities, comments, goals, profiles, shares

app_name = "community"

urlpatterns = [
    # Shares: the feed, posting, cheering
    path("", shares.share_list, name="share-list"),
    path("share/", shares.share_create, name="share-create"),
    path("shares/<int:pk>/", shares.share_detail, name="share-detail"),
    path("shares/<int:pk>/update/", shares.share_update, name="share-update"),
    path("shares/<int:pk>/delete/", shares.share_delete, name="share-delete"),
    path("shares/<int:pk>/cheer/", shares.share_cheer, name="share-cheer"),
    # Comments on articles, shares and partner posts
    path("comments/create/", comments.comment_create, name="comment-create"),
    path("comments/<int:pk>/update/", comments.comment_update, name="comment-update"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/report/", comments.comment_report, name="comment-report"),
    # Goals
    path("goals/", goals.goal_detail, name="goal-detail"),
    path("goals/create/", goals.goal_create, name="goal-create"),
    path("goals/<int:pk>/update/", goals.goal_update, name="goal-update"),
    path("goals/updates/create/", goals.goalupdate_create, name="goalupdate-create"),
    path("goals/updates/<int:pk>/update/", goals.goalupdate_update, name="goalupdate-update"),
    path("goals/updates/<int:pk>/delete/", goals.goalupdate_delete, name="goalupdate-delete"),
    # City hubs
    path("cities/", cities.city_list, name="city-list"),
    path("cities/<slug:slug>/", cities.city_detail, name="city-detail"),
    path("cities/<slug:slug>/suggest/", cities.suggestion_create, name="suggestion-create"),
    path("cities/<slug:slug>/posts/create/", cities.post_create, name="post-create"),
    path("posts/<int:pk>/", cities.post_detail, name="post-detail"),
    path("posts/<int:pk>/update/", cities.post_update, name="post-update"),
    path("posts/<int:pk>/delete/", cities.post_delete, name="post-delete"),
    # Members
    path("members/<int:pk>/", profiles.member_detail, name="member-detail"),
    # One-click stop links in recurring mail ("replies", "goal-reminders"): the reply emails
    # sent before there were kinds used this same path with "replies".
    path("notifications/<slug:kind>/off/<str:token>/", profiles.mail_off, name="mail-off"),
]
