from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView

from common.pagecache import cache_public_page

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
        return Theme.objects.live().select_related("hero_image")


@publication_page
class ThemeDetailView(TemplateView):
    template_name = "articles/theme_detail.html"

    def get_context_data(self, **kwargs):
        page = services.theme_page(slug=self.kwargs["slug"], user=self.request.user)
        return super().get_context_data(theme=page.theme, sections=page.sections, **kwargs)


@publication_page
class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None):
        return services.article_page(slug=self.kwargs["slug"], user=self.request.user)

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            related=services.related_articles(article),
            is_preview=not article.is_published,
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
