from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, ListView, TemplateView

from community.services.comments import thread_for
from runsite import pagecache
from runsite.pagecache import cache_public_page

from . import services
from .models import Article, Theme, Topic

PAGE_SIZE = 12
publication_page = method_decorator(cache_public_page("publication", "comments"), name="dispatch")


@publication_page
class ThemeListView(ListView):
    template_name = "articles/theme_list.html"
    context_object_name = "themes"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Theme.objects.live()
            .select_related("hero_image")
            .prefetch_related("hero_image__renditions")
        )


@publication_page
class ThemeDetailView(TemplateView):
    template_name = "articles/theme_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = services.theme_page(slug=self.kwargs["slug"], user=user)
        # Editors' sections show drafts too: they are cached apart from readers'.
        audience = "editors" if user.has_perm("articles.view_article") else "readers"
        return super().get_context_data(
            theme=page.theme,
            sections=page.sections,
            fragment_key=f"{pagecache.version_tag('publication', 'comments')}:{audience}",
            **kwargs,
        )


@publication_page
class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None):
        # The article, its head tags, its body and "Read next" are cached under this.
        self.fragment_key = pagecache.version_tag("publication", "members")
        return services.article_page(
            slug=self.kwargs["slug"], user=self.request.user, version=self.fragment_key
        )

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            # Read only if the page's fragments are not in the cache.
            related=SimpleLazyObject(lambda: services.related_articles(article)),
            fragment_key=self.fragment_key,
            is_preview=not article.is_published,
            thread=thread_for(target=article, user=self.request.user),
            **kwargs,
        )


@publication_page
class StoryListView(ListView):
    template_name = "articles/story_list.html"
    context_object_name = "stories"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Article.objects.published().stories().for_cards()


@publication_page
class TopicDetailView(ListView):
    template_name = "articles/topic_detail.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return self.topic.articles.published().for_cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class SearchView(ListView):
    template_name = "articles/search.html"
    context_object_name = "results"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()
        return services.search_articles(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)
