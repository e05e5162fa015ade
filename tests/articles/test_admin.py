"""The editors' workspace, driven through the real admin as an editor (staff, not superuser)."""

import io
import re
import struct
import zlib
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags
from PIL import Image as PILImage

from articles.models import Article, Image, Section, Theme
from common.images import has_alpha

from .factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    ThemeFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db

ARTICLE_ADD = reverse("admin:articles_article_add")
ARTICLE_CHANGELIST = reverse("admin:articles_article_changelist")
IMAGE_ADD = reverse("admin:articles_image_add")
THEME_ADD = reverse("admin:articles_theme_add")

HOSTILE_BODY = (
    "Intro words.\n\n"
    "<script>alert(1)</script>\n\n"
    "[x](javascript:alert(1))\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    '<a href="javascript:alert(2)">raw link</a>\n'
)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _article_form(author, **overrides):
    """What the add form posts, as a browser would send it: publish_at split in date and time."""
    publish_at = timezone.localtime(overrides.pop("publish_at", timezone.now()))
    data = {
        "title": "Easy miles, easier mind",
        "slug": "easy-miles-easier-mind",
        "kind": Article.Kind.FEATURE,
        "author": author.pk,
        "summary": "Why slow running calms the head.",
        "body": "## Why slow works\n\nSlow running is *kind* to the mind.",
        "theme": "",
        "section": "",
        "hero_image": "",
        "status": Article.Status.DRAFT,
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        "comments_open": "on",
        "seo_description": "",
    }
    data.update(overrides)
    return data


def _page_text(response) -> str:
    return unescape(response.content.decode())


def _media_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's shape.

    Pillow and our validator read only the header, so patching a 1x1 PNG's IHDR is the same
    test as compressing a real 30000x30000 bitmap, without five seconds of zlib per run.
    """
    buffer = io.BytesIO()
    PILImage.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # Signature (8 bytes), IHDR length (4), b"IHDR" (4), width and height, ..., CRC at 29.
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return SimpleUploadedFile("bomb.png", bytes(data), content_type="image/png")


class _Markup(HTMLParser):
    """Collects every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_texts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_texts.append(data)

    def event_handler_attributes(self) -> list[str]:
        return [name for _, attrs in self.tags for name in attrs if name.startswith("on")]

    def script_urls(self) -> list[str]:
        return [
            value
            for _, attrs in self.tags
            for value in attrs.values()
            if value and value.strip().lower().startswith(("javascript:", "vbscript:", "data:text"))
        ]


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [reverse("admin:index"), ARTICLE_ADD, ARTICLE_CHANGELIST, IMAGE_ADD, THEME_ADD],
)
def test_an_editor_who_is_not_a_superuser_can_open_the_admin_pages(editor_client, editor, url):
    assert not editor.is_superuser

    response = editor_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", [reverse("admin:index"), ARTICLE_ADD, ARTICLE_CHANGELIST])
def test_a_member_is_sent_to_the_login_page_instead_of_the_admin(client, member, url):
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Creating articles -----------------------------------------------------------------------


def test_an_editor_creates_an_article_and_its_markdown_is_rendered(editor_client):
    author = AuthorFactory()

    response = editor_client.post(ARTICLE_ADD, _article_form(author))

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="easy-miles-easier-mind")
    assert article.title == "Easy miles, easier mind"
    assert article.author == author
    assert article.status == Article.Status.DRAFT
    assert article.comments_open is True
    assert "<h2>Why slow works</h2>" in article.body_html
    assert "<em>kind</em>" in article.body_html
    assert article.word_count == 10


def test_a_duplicate_slug_is_refused_and_the_typed_text_is_kept(editor_client):
    existing = ArticleFactory(slug="easy-miles-easier-mind")
    before = Article.objects.count()

    response = editor_client.post(ARTICLE_ADD, _article_form(existing.author))

    assert response.status_code == 200
    page = _page_text(response)
    assert "Article with this Slug already exists." in page
    assert 'value="Easy miles, easier mind"' in page
    assert "## Why slow works" in page
    assert Article.objects.count() == before


def test_a_missing_title_is_refused_and_the_typed_body_is_kept(editor_client):
    author = AuthorFactory()

    response = editor_client.post(ARTICLE_ADD, _article_form(author, title=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == ["This field is required."]
    page = _page_text(response)
    assert "This field is required." in page
    assert "## Why slow works" in page
    assert 'value="easy-miles-easier-mind"' in page
    assert Article.objects.count() == 0


def test_a_section_of_another_theme_is_refused_and_the_typed_text_is_kept(editor_client):
    author = AuthorFactory()
    theme = ThemeFactory()
    other_section = SectionFactory(theme=ThemeFactory())

    response = editor_client.post(
        ARTICLE_ADD, _article_form(author, theme=theme.pk, section=other_section.pk)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["section"] == [
        "Choose a section of the article's theme."
    ]
    page = _page_text(response)
    assert "Choose a section of the article's theme." in page
    assert 'value="Easy miles, easier mind"' in page
    assert "## Why slow works" in page
    assert Article.objects.count() == 0


def test_hostile_markup_in_a_body_is_saved_harmless_and_never_reaches_the_page(client, editor):
    client.force_login(editor)
    author = AuthorFactory()
    form = _article_form(author, body=HOSTILE_BODY, status=Article.Status.PUBLISHED)

    response = client.post(ARTICLE_ADD, form)

    assert response.status_code == 302
    article = Article.objects.get(slug="easy-miles-easier-mind")
    assert article.body == HOSTILE_BODY.strip()
    body_html = article.body_html
    assert "<script" not in body_html
    assert "onerror" not in body_html
    assert 'href="javascript:' not in body_html
    stored = _Markup(body_html)
    assert stored.script_urls() == []
    assert stored.event_handler_attributes() == []
    # The harmless rest of the editor's text is kept.
    assert "<p>Intro words.</p>" in body_html
    assert '<img src="x">' in body_html
    assert ">raw link</a>" in body_html

    client.logout()
    page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert "<p>Intro words.</p>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    shown = _Markup(html)
    assert shown.event_handler_attributes() == []
    assert shown.script_urls() == []
    assert [attrs.get("type") for tag, attrs in shown.tags if tag == "script"] == [
        "application/ld+json"
    ]
    assert not any("alert" in text for text in shown.script_texts)


def test_script_markup_in_a_title_is_escaped_on_the_public_page(client):
    article = ArticleFactory(
        title="</script><script>alert(1)</script>", summary="<b onmouseover=alert(1)>hi</b>"
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    shown = _Markup(html)
    assert shown.event_handler_attributes() == []
    assert [tag for tag, _ in shown.tags if tag == "script"] == ["script"]


# --- Images ----------------------------------------------------------------------------------


def test_an_uploaded_image_is_saved_and_its_renditions_are_made(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(
            IMAGE_ADD,
            {"file": image_upload(size=(1200, 800)), "alt_text": "A path over green hills"},
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(callbacks) == 1
    image = Image.objects.get()
    assert image.alt_text == "A path over green hills"
    assert (image.width, image.height) == (1200, 800)
    assert Path(image.file.path).is_file()
    renditions = list(image.renditions.all())
    assert {r.format for r in renditions} == {"webp", "jpeg"}
    assert sorted((r.format, r.width) for r in renditions) == [
        ("jpeg", 400),
        ("jpeg", 800),
        ("jpeg", 1200),
        ("webp", 400),
        ("webp", 800),
        ("webp", 1200),
    ]
    assert all(Path(r.file.path).is_file() for r in renditions)
    assert len(_media_files()) == 1 + len(renditions)


def _holiday_photo() -> SimpleUploadedFile:
    """A phone photo taken sideways: stored 60 × 40 with its red half on the left, and EXIF that
    says to turn it a quarter clockwise (orientation 6), where it was taken and on what."""
    picture = PILImage.new("RGB", (60, 40), "#1f5fbf")
    picture.paste((217, 59, 59), (0, 0, 30, 40))
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Model] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    return SimpleUploadedFile("my-holiday-at-home.jpg", buffer.getvalue(), "image/jpeg")


def test_an_original_is_stored_upright_without_its_metadata_under_a_name_of_our_own(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            IMAGE_ADD, {"file": _holiday_photo(), "alt_text": "A beach at dusk"}
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert "holiday" not in image.file.name and "home" not in image.file.name
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", image.file.name), image.file.name
    content = Path(image.file.path).read_bytes()
    assert b"Phone" not in content
    with PILImage.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
        # Turned as the phone asked: 40 wide and 60 high, the red half now at the top.
        assert stored.size == (40, 60)
        top, bottom = stored.getpixel((20, 8)), stored.getpixel((20, 52))
    assert top[0] > 180 > top[2] and bottom[2] > 150 > bottom[0]
    assert (image.width, image.height) == (40, 60)
    # The renditions are made from the stored file, and the upload itself was never stored.
    assert {r.height for r in image.renditions.all()} == {60}
    assert len(_media_files()) == 1 + image.renditions.count()


def _picture_upload(name: str, image_format: str, see_through: bool) -> SimpleUploadedFile:
    """A 48 × 32 picture; when `see_through`, its left half is transparent (in a GIF: the
    palette colour named transparent)."""
    picture = PILImage.new("RGBA", (48, 32), (40, 120, 90, 255))
    options = {}
    if see_through:
        picture.paste((0, 0, 0, 0), (0, 0, 24, 32))
    if image_format == "GIF":
        picture = picture.convert("RGB").convert("P")
        if see_through:
            options["transparency"] = picture.getpixel((0, 0))
    elif not see_through:
        picture = picture.convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), f"image/{image_format.lower()}")


@pytest.mark.parametrize(
    ("name", "image_format", "see_through", "stored_format"),
    [
        ("photo.jpg", "JPEG", False, "JPEG"),
        ("diagram.png", "PNG", False, "PNG"),
        ("logo.png", "PNG", True, "PNG"),
        ("badge.gif", "GIF", False, "PNG"),
        ("badge.gif", "GIF", True, "PNG"),
        ("photo.webp", "WEBP", False, "JPEG"),
        ("logo.webp", "WEBP", True, "PNG"),
    ],
)
def test_an_original_is_stored_as_jpeg_or_as_png_when_it_is_drawn_or_see_through(
    editor_client, name, image_format, see_through, stored_format
):
    response = editor_client.post(
        IMAGE_ADD, {"file": _picture_upload(name, image_format, see_through), "alt_text": "A"}
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert image.file.name.endswith(".png" if stored_format == "PNG" else ".jpg")
    with PILImage.open(image.file.path) as stored:
        assert stored.format == stored_format
        assert has_alpha(stored) == see_through
        assert stored.size == (image.width, image.height) == (48, 32)
        if see_through:
            assert stored.convert("RGBA").getpixel((4, 4))[3] == 0


def test_replacing_an_original_stores_the_new_one_re_encoded_and_removes_the_old_file(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(IMAGE_ADD, {"file": image_upload(size=(900, 600)), "alt_text": "Fog"})
    image = Image.objects.get()
    old_name = image.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            {"file": _holiday_photo(), "alt_text": "Fog", "credit": ""},
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    image.refresh_from_db()
    assert image.file.name != old_name and "holiday" not in image.file.name
    assert (image.width, image.height) == (40, 60)
    assert not Path(django_settings.MEDIA_ROOT, old_name).exists()
    assert len(_media_files()) == 1 + image.renditions.count()


def test_deleting_an_image_in_the_admin_removes_its_file_and_renditions(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            IMAGE_ADD, {"file": image_upload(size=(900, 600)), "alt_text": "Morning fog"}
        )
    image = Image.objects.get()
    assert len(_media_files()) == 1 + image.renditions.count() > 1

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Image.objects.exists()
    assert _media_files() == []


@pytest.mark.parametrize(
    ("make_upload", "limits", "message"),
    [
        pytest.param(
            lambda: SimpleUploadedFile("photo.jpg", b"not a picture at all", "image/jpeg"),
            {},
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF file.",
            id="text-file-named-jpg",
        ),
        pytest.param(
            lambda: image_upload(name="photo.jpg", size=(40, 40), image_format="BMP"),
            {},
            "Images in BMP format are not accepted.",
            id="format-not-allowed",
        ),
        pytest.param(
            lambda: image_upload(size=(300, 300)),
            {"IMAGE_MAX_UPLOAD_BYTES": 1000},
            f"images may be at most {filesizeformat(1000)}.",
            id="too-many-bytes",
        ),
        pytest.param(
            lambda: image_upload(size=(200, 200)),
            {"IMAGE_MAX_PIXELS": 10_000},
            "This image is 200 × 200 pixels; the limit is 0.01 megapixels.",
            id="too-many-pixels",
        ),
        pytest.param(
            lambda: _png_claiming(8000, 8000),
            {},
            "This image is 8000 × 8000 pixels; the limit is 40 megapixels.",
            id="header-over-our-limit-under-pillows",
        ),
        pytest.param(
            lambda: _png_claiming(30000, 30000),
            {},
            "This image has far too many pixels to process; the limit is 40 megapixels.",
            id="decompression-bomb",
        ),
    ],
)
def test_a_bad_image_upload_is_refused_with_a_clear_message_and_leaves_nothing_behind(
    editor_client, settings, django_capture_on_commit_callbacks, make_upload, limits, message
):
    for name, value in limits.items():
        setattr(settings, name, value)
    upload = make_upload()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(
            IMAGE_ADD, {"file": upload, "alt_text": "A runner at dawn on a ridge", "credit": "Ana"}
        )

    assert response.status_code == 400
    [error] = response.context["adminform"].form.errors["file"]
    assert message in error
    page = _page_text(response)
    assert message in page
    assert 'value="A runner at dawn on a ridge"' in page
    assert callbacks == []
    assert Image.objects.count() == 0
    assert _media_files() == []


def test_an_image_without_alt_text_is_refused_and_leaves_nothing_behind(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(
            IMAGE_ADD, {"file": image_upload(), "alt_text": "", "credit": "Ana Costa"}
        )

    assert response.status_code == 400
    assert response.context["adminform"].form.errors["alt_text"] == ["This field is required."]
    page = _page_text(response)
    assert "This field is required." in page
    assert 'value="Ana Costa"' in page
    assert callbacks == []
    assert Image.objects.count() == 0
    assert _media_files() == []


# --- Publishing ------------------------------------------------------------------------------


def _run_action(client, action, article):
    return client.post(ARTICLE_CHANGELIST, {"action": action, "_selected_action": [article.pk]})


def test_publishing_and_unpublishing_from_the_changelist_shows_and_hides_the_page(client, editor):
    article = ArticleFactory(draft=True, publish_at=timezone.now() + timedelta(days=3))
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404

    client.force_login(editor)
    response = _run_action(client, "publish_now", article)
    client.logout()

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at <= timezone.now()
    assert client.get(url).status_code == 200

    client.force_login(editor)
    response = _run_action(client, "unpublish", article)
    client.logout()

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(url).status_code == 404


def test_a_publish_action_reports_how_many_pieces_it_published(editor_client):
    drafts = ArticleFactory.create_batch(2, draft=True)

    response = editor_client.post(
        ARTICLE_CHANGELIST,
        {"action": "publish_now", "_selected_action": [a.pk for a in drafts]},
        follow=True,
    )

    assert "Published 2 piece(s)." in response.content.decode()
    assert Article.objects.published().count() == 2


def test_a_piece_saved_with_a_future_time_appears_then_with_no_task_run(
    client, editor, django_capture_on_commit_callbacks
):
    publish_at = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            ARTICLE_ADD,
            _article_form(AuthorFactory(), status=Article.Status.PUBLISHED, publish_at=publish_at),
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert callbacks == []
    article = Article.objects.get(slug="easy-miles-easier-mind")
    assert article.publish_at == publish_at
    assert article.state == "scheduled"
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404

    with time_machine.travel(publish_at - timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at == publish_at


# --- Changelist ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ("draft", {"Quokka draft"}),
        ("scheduled", {"Wombat scheduled"}),
        ("published", {"Zephyr published"}),
        (None, {"Quokka draft", "Wombat scheduled", "Zephyr published"}),
    ],
)
def test_the_changelist_filters_pieces_by_state(editor_client, state, shown):
    ArticleFactory(title="Quokka draft", draft=True)
    ArticleFactory(title="Wombat scheduled", scheduled=True)
    ArticleFactory(title="Zephyr published")

    response = editor_client.get(ARTICLE_CHANGELIST, {"state": state} if state else {})

    assert response.status_code == 200
    listed = {article.title for article in response.context["cl"].result_list}
    assert listed == shown
    html = response.content.decode()
    for title in {"Quokka draft", "Wombat scheduled", "Zephyr published"}:
        assert (title in html) == (title in shown)


def test_the_changelist_says_when_a_scheduled_piece_will_appear(editor_client):
    scheduled = ArticleFactory(title="Wombat scheduled", scheduled=True)
    ArticleFactory(title="Quokka draft", draft=True)

    response = editor_client.get(ARTICLE_CHANGELIST)

    when = timezone.localtime(scheduled.publish_at).strftime("%d %b %Y %H:%M")
    html = response.content.decode()
    assert f"Scheduled for {when}" in html
    assert html.count("Scheduled for") == 1
    assert "Draft" in html


# --- Preview ---------------------------------------------------------------------------------


def test_an_editor_previews_a_draft_at_its_public_address(editor_client):
    draft = ArticleFactory(title="Quokka draft", draft=True)

    response = editor_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview" in html
    assert "a draft" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_an_editor_sees_no_preview_banner_on_a_published_piece(editor_client):
    published = ArticleFactory(title="Zephyr published")

    response = editor_client.get(published.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "preview-banner" not in html
    assert "noindex" not in html


@pytest.mark.parametrize("who", ["anonymous", "member"])
@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_readers_get_a_404_for_an_unpublished_piece(client, request, who, trait):
    if who == "member":
        client.force_login(request.getfixturevalue("member"))
    piece = ArticleFactory(**{trait: True})

    assert client.get(piece.get_absolute_url()).status_code == 404


# --- Themes ----------------------------------------------------------------------------------


def test_an_editor_creates_a_theme_with_two_sections_inline(editor_client):
    today = timezone.localdate()
    data = {
        "title": "Run for calm",
        "slug": "run-for-calm",
        "intro": "How easy running quiets a busy head.",
        "hero_image": "",
        "featured_on": today.isoformat(),
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-order": "1",
        "sections-0-title": "The science",
        "sections-0-intro": "What studies found.",
        "sections-1-order": "2",
        "sections-1-title": "Reader stories",
        "sections-1-intro": "",
    }

    response = editor_client.post(THEME_ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    theme = Theme.objects.get(slug="run-for-calm")
    assert theme.featured_on == today
    assert [(s.order, s.title, s.intro) for s in theme.sections.all()] == [
        (1, "The science", "What studies found."),
        (2, "Reader stories", ""),
    ]
    assert Section.objects.count() == 2
