"""Shares: posting and its checks, photo metadata stripping, feature consent and reader stories,
cheers, the feed and its query budget, and editing or deleting one's own share."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article
from community.models import Cheer, Comment, Profile, Share, Status
from community.services.shares import FEATURE_CONSENT_TEXT, feature_as_story
from community.templatetags.community_tags import story_sharer
from tests.articles.factories import ArticleFactory, image_upload
from tests.community.factories import (
    CheerFactory,
    CityFactory,
    CommentFactory,
    MemberFactory,
    ProfileFactory,
    ShareFactory,
)
from tests.community.helpers import GPS_IFD, forms_on, gps_jpeg, share_data, stored_files

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("community:share-create")
FEED_URL = reverse("community:share-list")
SHARE_CHANGELIST = reverse("admin:community_share_changelist")
PENDING_NOTE = "Only you can see this share until an editor has looked at it."


@pytest.fixture
def other():
    return MemberFactory(username="olga", profile__display_name="Olga")


# --- Helpers -----------------------------------------------------------------------------------


def open_field_file(field_file) -> PILImage.Image:
    with field_file.open("rb") as stored:
        image = PILImage.open(io.BytesIO(stored.read()))
        image.load()
    return image


def texts_in_feed(response) -> list[str]:
    return [share.text for share in response.context["shares"]]


# --- Posting -----------------------------------------------------------------------------------


def test_a_trusted_member_shares_a_win_with_a_photo_and_it_is_live(client, member, human, leeds):
    ProfileFactory(user=member, display_name="Mira", city=leeds, show_city=True)
    ShareFactory(author=member, text="An earlier win.")
    client.force_login(member)
    data = share_data(human, photo=image_upload(), photo_alt="Me at the finish")

    response = client.post(CREATE_URL, data, follow=True)

    share = Share.objects.exclude(text="An earlier win.").get()
    assert response.redirect_chain == [(share.get_absolute_url(), 302)]
    assert (share.author, share.kind, share.text) == (member, "win", "Ran 5 km without stopping!")
    assert share.status == Status.APPROVED
    assert share.distance_km == Decimal("5.2")
    assert share.duration == timedelta(minutes=35)
    assert share.city == leeds
    assert share.photo_alt == "Me at the finish"
    assert share.photo.name.startswith("shares/")
    page = response.content.decode()
    assert "Shared! Your post is in the community feed." in page
    assert f'src="{share.photo.url}" alt="Me at the finish"' in page
    assert PENDING_NOTE not in page


def test_a_first_share_waits_visible_only_to_its_author_then_later_shares_are_trusted(
    client, member, other, human
):
    client.force_login(member)

    response = client.post(CREATE_URL, share_data(human), follow=True)

    share = Share.objects.get()
    assert share.status == Status.PENDING
    page = response.content.decode()
    assert "an editor will look at it before it appears" in page
    assert PENDING_NOTE in page
    assert "Ran 5 km without stopping!" in page
    client.force_login(other)
    assert client.get(share.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(share.get_absolute_url()).status_code == 404
    assert "Ran 5 km without stopping!" not in client.get(FEED_URL).content.decode()

    Share.objects.filter(pk=share.pk).update(status=Status.APPROVED)
    client.force_login(member)
    client.post(CREATE_URL, share_data(human, text="A second run."))

    assert Share.objects.get(text="A second run.").status == Status.APPROVED


def test_a_share_with_two_links_waits_even_from_a_trusted_member(client, member, human):
    ShareFactory(author=member, text="An earlier win.")
    client.force_login(member)
    text = "Race page: [a](https://a.example), results: [b](https://b.example)"

    client.post(CREATE_URL, share_data(human, text=text))

    assert Share.objects.get(text=text).status == Status.PENDING


BAD_INPUT = {
    "empty text": ({"text": ""}, "This field is required."),
    "a photo that is not an image": (
        {
            "photo": lambda: SimpleUploadedFile("run.jpg", b"not a picture", "image/jpeg"),
            "photo_alt": "Me",
        },
        "This file is not an image we can read.",
    ),
    "a photo over the size limit": (
        {"photo": lambda: image_upload(size=(400, 400)), "photo_alt": "Me", "max_bytes": 100},
        "images may be at most 100\xa0bytes.",
    ),
    "a photo without a description": (
        {"photo": image_upload, "photo_alt": ""},
        "Describe the photo in a few words.",
    ),
    "a distance of 0": ({"distance_km": "0"}, "Enter a distance between 0.1 and 500 km."),
    "a distance of 900": ({"distance_km": "900"}, "Enter a distance between 0.1 and 500 km."),
}


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_share_input_is_refused_with_a_message_and_the_text_kept(
    client, member, human, settings, overrides, message
):
    overrides = {k: v() if callable(v) else v for k, v in overrides.items()}
    settings.IMAGE_MAX_UPLOAD_BYTES = overrides.pop("max_bytes", settings.IMAGE_MAX_UPLOAD_BYTES)
    client.force_login(member)
    data = share_data(human, **overrides)

    response = client.post(CREATE_URL, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data["text"]:
        assert f"{data['text']}</textarea>" in page
    assert 'name="duration_minutes" value="35"' in page
    assert not Share.objects.exists()
    assert stored_files(settings) == []


def test_an_anonymous_share_is_sent_to_sign_in_and_saves_nothing(client, human):
    response = client.post(CREATE_URL, share_data(human))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Share.objects.exists()


def test_the_third_share_within_the_limit_is_refused_with_429_and_the_text_kept(
    client, member, human, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "share": (2, 3600)}
    client.force_login(member)

    codes = [
        client.post(CREATE_URL, share_data(human, text=f"Run {n}")).status_code for n in (1, 2)
    ]
    third = client.post(CREATE_URL, share_data(human, text="One run too many"))

    assert codes == [302, 302]
    assert third.status_code == 429
    page = third.content.decode()
    assert "You have reached the limit of 2 in 60 minutes" in page
    assert "One run too many</textarea>" in page
    assert Share.objects.count() == 2


# --- Photo metadata ----------------------------------------------------------------------------


def test_a_share_photo_is_stored_without_exif_or_gps_and_at_most_1600_px(client, member, human):
    client.force_login(member)
    photo = gps_jpeg(size=(3000, 2000))

    client.post(CREATE_URL, share_data(human, photo=photo, photo_alt="Sunrise on the canal"))

    share = Share.objects.get()
    stored = open_field_file(share.photo)
    assert stored.format == "JPEG"
    assert stored.size == (1600, 1067)
    # Its size is kept, so pages reserve the photo's space before it loads.
    assert (share.photo_width, share.photo_height) == (1600, 1067)
    page = client.get(share.get_absolute_url()).content.decode()
    assert 'width="1600" height="1067" loading="lazy"' in page
    exif = stored.getexif()
    assert dict(exif) == {}
    assert GPS_IFD not in exif
    assert "exif" not in stored.info


def test_a_small_share_photo_is_not_enlarged(client, member, human):
    client.force_login(member)

    client.post(CREATE_URL, share_data(human, photo=gps_jpeg(size=(800, 600)), photo_alt="Shoes"))

    stored = open_field_file(Share.objects.get().photo)
    assert stored.size == (800, 600)
    assert dict(stored.getexif()) == {}


def test_an_avatar_is_stored_square_256_px_without_exif_or_gps(client, member):
    client.force_login(member)

    response = client.post(
        reverse("profile"),
        {"display_name": "Mira", "bio": "", "notify_replies": "on", "avatar": gps_jpeg()},
    )

    assert response.status_code == 302
    stored = open_field_file(Profile.objects.get(user=member).avatar)
    assert stored.size == (256, 256)
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info


# --- Feature consent and reader stories --------------------------------------------------------


def test_the_feature_consent_is_recorded_with_its_exact_wording_and_time(
    client, member, human, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(member)

    form_page = client.get(CREATE_URL).content.decode()
    client.post(CREATE_URL, share_data(human, may_feature="on"))

    assert FEATURE_CONSENT_TEXT in form_page
    share = Share.objects.get()
    assert share.may_feature is True
    assert share.feature_consent_text == FEATURE_CONSENT_TEXT
    assert share.feature_consent_at == timezone.now()


def test_no_consent_is_recorded_when_the_box_is_left_unticked(client, member, human):
    client.force_login(member)

    client.post(CREATE_URL, share_data(human))

    share = Share.objects.get()
    assert (share.may_feature, share.feature_consent_text, share.feature_consent_at) == (
        False,
        "",
        None,
    )


def test_consent_given_when_editing_a_share_is_recorded_with_its_wording_and_time(
    client, member, human, time_machine
):
    share = ShareFactory(author=member, text="Ran 5 km.")
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(member)

    client.post(
        reverse("community:share-update", args=[share.pk]),
        share_data(human, text="Ran 5 km.", may_feature="on"),
    )

    share.refresh_from_db()
    assert share.may_feature is True
    assert share.feature_consent_text == FEATURE_CONSENT_TEXT
    assert share.feature_consent_at == timezone.now()


def test_consent_withdrawn_when_editing_a_share_is_cleared(client, member, human):
    client.force_login(member)
    client.post(CREATE_URL, share_data(human, may_feature="on"))
    share = Share.objects.get()

    client.post(reverse("community:share-update", args=[share.pk]), share_data(human))

    share.refresh_from_db()
    assert (share.may_feature, share.feature_consent_text, share.feature_consent_at) == (
        False,
        "",
        None,
    )


def test_an_editor_turns_a_consenting_share_into_a_draft_reader_story(client, member, editor):
    ProfileFactory(user=member, display_name="Mira Moss")
    share = ShareFactory(author=member, text="Ran through the rain.", may_feature=True)
    client.force_login(editor)

    response = client.post(
        SHARE_CHANGELIST, {"action": "make_reader_story", "_selected_action": [share.pk]}
    )

    assert response.status_code == 302
    story = Article.objects.get()
    assert (story.kind, story.status, story.source_share) == (
        Article.Kind.STORY,
        Article.Status.DRAFT,
        share,
    )
    assert story.body == "Ran through the rain."
    assert client.get(story.get_absolute_url()).status_code == 200  # editors may preview
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_making_a_share_into_a_story_twice_keeps_one_story_which_the_share_links_to(
    client, member, editor
):
    share = ShareFactory(author=member, text="Ran through the rain.", may_feature=True)
    client.force_login(editor)

    for _ in range(2):
        client.post(
            SHARE_CHANGELIST, {"action": "make_reader_story", "_selected_action": [share.pk]}
        )

    story = Article.objects.get()
    page = client.get(reverse("admin:community_share_change", args=[share.pk])).content.decode()
    assert reverse("admin:articles_article_change", args=[story.pk]) in page


def test_the_byline_reads_the_sharer_in_one_query_and_nothing_for_other_pieces(
    member, django_assert_num_queries
):
    Profile.objects.create(user=member, display_name="Mira Moss")
    story = Article.objects.get(
        pk=feature_as_story(share=ShareFactory(author=member, may_feature=True)).pk
    )
    feature = ArticleFactory()

    with django_assert_num_queries(1):
        byline = story_sharer(story)
    assert byline.startswith(" · shared by <a href=") and "Mira Moss</a>" in byline
    with django_assert_num_queries(0):
        assert story_sharer(feature) == ""


def test_a_share_without_consent_is_not_made_into_a_story_and_the_editor_is_told(
    client, member, editor
):
    share = ShareFactory(author=member, text="Private joy.", may_feature=False)
    client.force_login(editor)

    response = client.post(
        SHARE_CHANGELIST,
        {"action": "make_reader_story", "_selected_action": [share.pk]},
        follow=True,
    )

    assert not Article.objects.exists()
    page = response.content.decode()
    assert f"Share {share.pk}: The member did not agree to have this share featured." in page
    assert 'class="error"' in page


def test_a_published_reader_story_credits_the_member_by_display_name(client, member, editor):
    profile = ProfileFactory(user=member, display_name="Mira Moss")
    share = ShareFactory(author=member, text="Ran through the rain.", may_feature=True)
    client.force_login(editor)
    client.post(SHARE_CHANGELIST, {"action": "make_reader_story", "_selected_action": [share.pk]})
    story = Article.objects.get()
    story.status = Article.Status.PUBLISHED
    story.publish_at = timezone.now() - timedelta(minutes=1)
    story.save()
    client.logout()

    page = client.get(story.get_absolute_url()).content.decode()

    assert f'shared by <a href="{profile.get_absolute_url()}">Mira Moss</a>' in page


# --- Cheers ------------------------------------------------------------------------------------


def test_cheering_twice_takes_the_cheer_back(client, member, other):
    share = ShareFactory(author=other)
    url = reverse("community:share-cheer", args=[share.pk])
    client.force_login(member)

    first = client.post(url, follow=True)

    assert Cheer.objects.filter(share=share, member=member).count() == 1
    assert first.context["share"].cheer_count == 1
    assert "You cheered this!" in first.content.decode()
    assert 'aria-pressed="true"' in first.content.decode()

    second = client.post(url, follow=True)

    assert not Cheer.objects.exists()
    assert second.context["share"].cheer_count == 0
    assert "Cheer taken back." in second.content.decode()


def test_two_members_cheering_count_twice_and_a_member_only_once(member, other):
    share = ShareFactory(author=MemberFactory(username="sam"))
    url = reverse("community:share-cheer", args=[share.pk])
    for user in (member, other):
        browser = Client()
        browser.force_login(user)
        browser.post(url)

    assert Cheer.objects.filter(share=share).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        CheerFactory(share=share, member=member)


def test_cheering_from_two_sessions_of_one_member_counts_once(member, other):
    share = ShareFactory(author=other)
    url = reverse("community:share-cheer", args=[share.pk])
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        browser.force_login(member)
    forms = []
    for browser in (laptop, phone):
        # Both pages were opened before either cheer: each shows the "Cheer" button.
        page = browser.get(share.get_absolute_url()).content.decode()
        assert 'aria-pressed="false"' in page
        forms.append(next(f for f in forms_on(page) if f["attrs"].get("action") == url))

    for browser, form in zip((laptop, phone), forms, strict=True):
        browser.post(url, form["hidden"])

    assert Cheer.objects.filter(share=share, member=member).count() == 1


def test_a_member_cannot_cheer_their_own_share_and_sees_only_its_count(client, member, other):
    share = ShareFactory(author=member)
    CheerFactory(share=share, member=other)
    client.force_login(member)
    url = reverse("community:share-cheer", args=[share.pk])

    page = client.get(share.get_absolute_url()).content.decode()
    response = client.post(url, {"cheer": "on"}, follow=True)

    assert f'action="{url}"' not in page
    assert "1 cheer</p>" in page
    assert "you can&#x27;t cheer your own share" in response.content.decode()
    assert list(Cheer.objects.values_list("member", flat=True)) == [other.pk]


def test_an_anonymous_cheer_is_sent_to_sign_in(client, other):
    share = ShareFactory(author=other)

    response = client.post(reverse("community:share-cheer", args=[share.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Cheer.objects.exists()


def test_a_pending_share_cannot_be_cheered(client, member, other):
    share = ShareFactory(author=other, status=Status.PENDING)
    client.force_login(member)

    response = client.post(reverse("community:share-cheer", args=[share.pk]))

    assert response.status_code == 404
    assert not Cheer.objects.exists()


def test_the_feed_shows_each_shares_cheer_count(client, member, other):
    share = ShareFactory(author=other)
    for user in (member, MemberFactory(username="sam")):
        CheerFactory(share=share, member=user)

    anonymous_page = client.get(FEED_URL).content.decode()
    client.force_login(member)
    member_page = client.get(FEED_URL).content.decode()

    assert "2 cheers</p>" in anonymous_page
    assert '<span class="cheer__count">2<span class="visually-hidden"> cheers' in member_page
    assert 'aria-pressed="true"' in member_page


def test_the_cheer_button_is_a_plain_form_that_works_without_javascript(member, other):
    share = ShareFactory(author=other)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    url = reverse("community:share-cheer", args=[share.pk])

    page = browser.get(f"{FEED_URL}?kind=win").content.decode()

    [form] = [f for f in forms_on(page) if f["attrs"].get("action") == url]
    assert form["attrs"]["method"] == "post"
    assert form["hidden"]["csrfmiddlewaretoken"]
    assert form["hidden"]["next"] == "/community/?kind=win"
    response = browser.post(url, form["hidden"])
    assert response.status_code == 302
    assert response.url == "/community/?kind=win"
    assert Cheer.objects.filter(share=share, member=member).exists()


# --- The feed ----------------------------------------------------------------------------------


def test_the_feed_shows_only_approved_shares_newest_first(client, member):
    now = timezone.now()
    for n, status in enumerate(
        [Status.APPROVED, Status.PENDING, Status.APPROVED, Status.REJECTED, Status.SPAM]
    ):
        share = ShareFactory(author=member, text=f"Share {n}", status=status)
        Share.objects.filter(pk=share.pk).update(created_at=now - timedelta(days=5 - n))

    response = client.get(FEED_URL)

    assert texts_in_feed(response) == ["Share 2", "Share 0"]
    page = response.content.decode()
    assert page.index("Share 2") < page.index("Share 0")
    for hidden in ("Share 1", "Share 3", "Share 4"):
        assert hidden not in page


def test_the_feed_shows_12_shares_a_page(client, member):
    now = timezone.now()
    for n in range(13):
        share = ShareFactory(author=member, text=f"Share number {n}")
        Share.objects.filter(pk=share.pk).update(created_at=now - timedelta(hours=n))

    first = client.get(FEED_URL)
    second = client.get(FEED_URL, {"page": 2})

    assert texts_in_feed(first) == [f"Share number {n}" for n in range(12)]
    assert texts_in_feed(second) == ["Share number 12"]
    assert "Page 1 of 2" in first.content.decode()


def test_the_feed_filters_by_kind_and_by_city(client, member, leeds):
    york = CityFactory(name="York")
    ShareFactory(author=member, text="Leeds ritual", kind=Share.Kind.RITUAL, city=leeds)
    ShareFactory(author=member, text="York ritual", kind=Share.Kind.RITUAL, city=york)
    ShareFactory(author=member, text="Leeds win", kind=Share.Kind.WIN, city=leeds)

    rituals = client.get(FEED_URL, {"kind": "ritual"})
    in_leeds = client.get(FEED_URL, {"city": "leeds"})
    both = client.get(FEED_URL, {"kind": "ritual", "city": "leeds"})

    assert sorted(texts_in_feed(rituals)) == ["Leeds ritual", "York ritual"]
    assert sorted(texts_in_feed(in_leeds)) == ["Leeds ritual", "Leeds win"]
    assert texts_in_feed(both) == ["Leeds ritual"]


def test_the_next_page_link_of_a_filtered_feed_keeps_the_filter(client, member, leeds):
    for n in range(13):
        ShareFactory(author=member, text=f"Ritual {n}", kind=Share.Kind.RITUAL, city=leeds)
    ShareFactory(author=member, text="A win", kind=Share.Kind.WIN, city=leeds)

    page = client.get(FEED_URL, {"kind": "ritual", "city": "leeds"}).content.decode()

    assert 'rel="next"' in page
    assert "kind=ritual" in page.split('rel="next"')[1].split(">")[0]
    assert "city=leeds" in page.split('rel="next"')[1].split(">")[0]


def test_the_feed_costs_the_same_queries_with_3_and_with_30_shares(
    client, member, leeds, django_assert_num_queries
):
    authors = [MemberFactory(username=f"runner{n}", profile__city=leeds) for n in range(3)]

    def add_shares(count):
        for n in range(count):
            share = ShareFactory(
                author=authors[n % 3], text=f"Run {n}", city=leeds, distance_km=Decimal("5")
            )
            CheerFactory(share=share, member=member)
            CommentFactory(share=share, author=member, body="Well done!", status="approved")

    add_shares(3)
    client.force_login(member)
    client.get(FEED_URL)  # warm caches that only the first request fills
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(FEED_URL).context["shares"]) == 3
    add_shares(27)

    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(FEED_URL)

    assert len(response.context["shares"]) == 12
    assert response.context["shares"][0].cheer_count == 1
    assert response.context["shares"][0].comment_count == 1


def test_the_share_page_shows_its_comments_and_a_comment_form_for_the_share(
    client, member, other, human
):
    share = ShareFactory(author=other, text="My new ritual: tea after every run.")
    CommentFactory(share=share, author=other, body="Tea is the best.", status="approved")
    client.force_login(member)

    page = client.get(share.get_absolute_url()).content.decode()

    assert "Tea is the best." in page
    comment_forms = [
        f for f in forms_on(page) if f["attrs"].get("action") == reverse("community:comment-create")
    ]
    [form] = [f for f in comment_forms if not f["hidden"].get("parent_id")]
    assert form["hidden"]["target_type"] == "share"
    assert form["hidden"]["target_id"] == str(share.pk)
    ShareFactory(author=member, text="Trusted now.")
    response = client.post(
        reverse("community:comment-create"),
        {
            **form["hidden"],
            "body": "Love this.",
            "website": "",
            "rendered_at": human["rendered_at"],
        },
    )
    assert response.status_code == 302
    assert Comment.objects.get(body="Love this.").share == share


# --- Editing and deleting ----------------------------------------------------------------------


def test_a_member_edits_their_own_share(client, member, human):
    share = ShareFactory(author=member, text="Ran 5 km.")
    client.force_login(member)

    response = client.post(
        reverse("community:share-update", args=[share.pk]),
        share_data(human, kind="milestone", text="Ran 6 km!", distance_km="6"),
    )

    assert response.status_code == 302
    share.refresh_from_db()
    assert (share.kind, share.text, share.distance_km) == ("milestone", "Ran 6 km!", Decimal("6"))
    assert share.status == Status.APPROVED


def test_replacing_a_share_photo_deletes_the_old_file(
    client, member, human, settings, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(CREATE_URL, share_data(human, photo=gps_jpeg(), photo_alt="Old"))
    share = Share.objects.get()
    old_name = share.photo.name

    with django_capture_on_commit_callbacks(execute=True):  # the old file goes after the commit
        response = client.post(
            reverse("community:share-update", args=[share.pk]),
            share_data(human, photo=gps_jpeg(name="new.jpg"), photo_alt="New"),
        )

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.photo.name != old_name
    assert dict(open_field_file(share.photo).getexif()) == {}
    assert [p.name for p in stored_files(settings)] == [share.photo.name.split("/")[-1]]


def test_a_member_deletes_their_own_share_and_its_photo(
    client, member, settings, django_capture_on_commit_callbacks
):
    share = ShareFactory(author=member, text="Gone soon.", photo=image_upload(), photo_alt="Shoes")
    assert stored_files(settings)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        response = client.post(reverse("community:share-delete", args=[share.pk]))

    assert response.status_code == 302
    assert response.url == FEED_URL
    assert not Share.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("url_name", ["community:share-update", "community:share-delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_members_share_cannot_be_edited_or_deleted(
    client, member, other, human, url_name, method
):
    share = ShareFactory(author=other, text="Olga's run.")
    client.force_login(member)

    response = getattr(client, method)(
        reverse(url_name, args=[share.pk]), share_data(human, text="Hijacked")
    )

    assert response.status_code == 404
    share.refresh_from_db()
    assert share.text == "Olga's run."


def test_a_share_is_placed_in_a_city_only_when_its_author_shows_their_city(
    client, member, leeds, human
):
    ProfileFactory(user=member, display_name="Mira", city=leeds, show_city=False)
    client.force_login(member)

    client.post(reverse("community:share-create"), {**human, "kind": "win", "text": "Quiet loop."})

    assert Share.objects.get(text="Quiet loop.").city is None
