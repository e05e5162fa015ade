import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Author, Image, Section, Theme, Topic


def image_upload(name="photo.jpg", size=(1200, 800), image_format="JPEG", colour="#4f8f5f"):
    """An in-memory image file as a browser would upload it."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, image_format)
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = "Writes about running."


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(image_upload)
    alt_text = "A path over green hills"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    title = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    intro = "Why running helps."
    featured_on = factory.LazyFunction(timezone.localdate)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    theme = factory.SubFactory(ThemeFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(int)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    kind = Article.Kind.FEATURE
    author = factory.SubFactory(AuthorFactory)
    summary = "A short summary."
    body = "## A heading\n\nSome words about running and rest."
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT)
        scheduled = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


def add_approved_comments(article, count, user_model):
    """`count` approved comments by several members, half of them replies."""
    from community.models import Comment, Profile, Status

    members = [
        user_model.objects.create_user(username=f"reader{i}", email=f"reader{i}@example.com")
        for i in range(5)
    ]
    Profile.objects.bulk_create(
        Profile(user=m, display_name=f"Reader {i}") for i, m in enumerate(members)
    )
    parents = Comment.objects.bulk_create(
        Comment(
            article=article,
            author=members[i % 5],
            body=f"Comment {i}",
            body_html=f"<p>Comment {i}</p>",
            status=Status.APPROVED,
        )
        for i in range(count // 2)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=parent,
            author=members[(i + 1) % 5],
            body="A reply",
            body_html="<p>A reply</p>",
            status=Status.APPROVED,
        )
        for i, parent in enumerate(parents)
    )
