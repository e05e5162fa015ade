from django.urls import path

from common.pagecache import cache_public_page

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("themes/", views.ThemeListView.as_view(), name="theme-list"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("stories/", views.StoryListView.as_view(), name="story-list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", cache_public_page("publication")(feeds.LatestArticlesFeed()), name="feed-rss"),
    path(
        "feed/atom/",
        cache_public_page("publication")(feeds.LatestArticlesAtomFeed()),
        name="feed-atom",
    ),
]
