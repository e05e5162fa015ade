from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    title = settings.SITE_NAME
    link = "/"
    description = "New articles, science notes, beginner guides and reader stories."

    def items(self):
        return (
            Article.objects.published()
            .select_related("author")
            .prefetch_related("topics")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers treat descriptions as HTML: the summary is plain text, so escape it.
        return escape(item.summary)

    def item_author_name(self, item):
        return item.author.name

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
