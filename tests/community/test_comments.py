"""Comments on articles: posting and its moderation rule, the bot and rate checks, sanitizing,
editing, removal, reports, reply emails, the editors' moderation and the page's query budget."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.forms import BOT_MESSAGE
from community.models import Comment, CommentReport, Profile, Status
from newsletter.services import suppression
from tests.articles.factories import ArticleFactory
from tests.community.factories import (
    CityFactory,
    CommentFactory,
    MemberFactory,
    PartnerPostFactory,
    ProfileFactory,
    ShareFactory,
)
from tests.community.helpers import forms_on

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("community:comment-create")
CHANGELIST_URL = reverse("admin:community_comment_changelist")
PENDING_MESSAGE = "your comment will appear once an editor has looked at it"
REMOVED_PLACEHOLDER = "This comment was removed by its author."


@pytest.fixture
def article():
    return ArticleFactory(title="Slow miles", slug="slow-miles")


@pytest.fixture
def other():
    return MemberFactory(username="olga", profile__display_name="Olga")


# --- Helpers -----------------------------------------------------------------------------------


def trust(user) -> None:
    """Give `user` an approved share, which makes later comments skip moderation."""
    ShareFactory(author=user, text="My first 5K.", status=Status.APPROVED)


def comment_on(article, author, body="A comment.", *, parent=None, status=Status.APPROVED):
    return CommentFactory(article=article, author=author, body=body, parent=parent, status=status)


def form_data(human, article, body, *, parent=None, **extra) -> dict:
    data = {"target_type": "article", "target_id": article.pk, "body": body, **human, **extra}
    if parent is not None:
        data["parent_id"] = parent.pk
    return data


def reply_off_path(mail) -> str:
    match = re.search(r"http://testserver(/community/notifications/replies/off/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


class _Elements(HTMLParser):
    """Every start tag on a page with its attributes, and the text inside each <script>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


# --- Posting -----------------------------------------------------------------------------------


def test_a_new_members_first_comment_waits_for_moderation_and_is_not_shown(
    client, member, human, article
):
    client.force_login(member)

    response = client.post(CREATE_URL, form_data(human, article, "Hello from my first run!"))

    assert response.status_code == 302
    assert response.url == f"{article.get_absolute_url()}#comments"
    comment = Comment.objects.get()
    assert (comment.status, comment.author, comment.article) == (Status.PENDING, member, article)
    page = client.get(response.url).content.decode()
    assert PENDING_MESSAGE in page
    assert "Hello from my first run!" not in page


def test_a_member_with_an_approved_comment_posts_straight_to_the_page(
    client, member, human, article
):
    comment_on(ArticleFactory(), member, "An earlier comment.")
    client.force_login(member)

    response = client.post(CREATE_URL, form_data(human, article, "Trusted words."), follow=True)

    comment = Comment.objects.get(body="Trusted words.")
    assert comment.status == Status.APPROVED
    assert response.redirect_chain[0][0] == comment.get_absolute_url()
    page = response.content.decode()
    assert "your comment is live" in page
    assert f'id="comment-{comment.pk}"' in page
    assert "Trusted words." in page


def test_a_comment_with_two_links_waits_even_from_a_trusted_member(client, member, human, article):
    trust(member)
    client.force_login(member)

    client.post(
        CREATE_URL, form_data(human, article, "[a](https://a.example) [b](https://b.example)")
    )

    assert Comment.objects.get().status == Status.PENDING


def test_one_link_is_still_fine_for_a_trusted_member(client, member, human, article):
    trust(member)
    client.force_login(member)

    client.post(CREATE_URL, form_data(human, article, "My route: [a](https://a.example)"))

    assert Comment.objects.get().status == Status.APPROVED


def test_an_approved_partner_post_makes_its_author_trusted_for_comments(
    client, member, human, article
):
    city = CityFactory(name="Leeds")
    PartnerPostFactory(
        city=city, author=member, title="Saturday 5K?", text="Slow.", status=Status.APPROVED
    )
    client.force_login(member)

    client.post(CREATE_URL, form_data(human, article, "Trusted through my post."))

    assert Comment.objects.get().status == Status.APPROVED


def test_a_reply_to_a_reply_attaches_to_the_top_level_comment(
    client, member, other, human, article
):
    top = comment_on(article, other, "Top level.")
    reply = comment_on(article, other, "First reply.", parent=top)
    trust(member)
    client.force_login(member)

    client.post(CREATE_URL, form_data(human, article, "Reply to the reply.", parent=reply))

    new = Comment.objects.get(body="Reply to the reply.")
    assert new.parent == top
    assert new.article == article


def test_closed_comments_show_no_form_and_refuse_a_post(client, member, human):
    closed = ArticleFactory(comments_open=False)
    trust(member)
    client.force_login(member)

    page = client.get(closed.get_absolute_url()).content.decode()
    response = client.post(CREATE_URL, form_data(human, closed, "Can I still say this?"))

    assert "Comments are closed." in page
    assert f'action="{CREATE_URL}"' not in page
    assert response.status_code == 400
    assert "Comments are closed here." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_anonymous_post_is_sent_to_sign_in_and_saves_nothing(client, human, article):
    response = client.post(CREATE_URL, form_data(human, article, "Who am I?"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_with_an_error(client, member, human, article):
    client.force_login(member)

    response = client.post(CREATE_URL, form_data(human, article, "   "))

    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["This field is required."]
    assert not Comment.objects.exists()


def test_a_filled_honeypot_is_refused_and_the_text_is_kept(client, member, human, article):
    client.force_login(member)
    data = form_data(human, article, "Buy cheap shoes now", website="https://spam.example")

    response = client.post(CREATE_URL, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert BOT_MESSAGE in page
    assert "Buy cheap shoes now</textarea>" in page
    assert not Comment.objects.exists()


def test_a_form_sent_too_fast_is_refused_and_the_text_is_kept(
    client, member, human, article, settings
):
    settings.FORM_MIN_SECONDS = 30
    client.force_login(member)

    response = client.post(CREATE_URL, form_data(human, article, "Typed in a hurry"))

    assert response.status_code == 400
    page = response.content.decode()
    assert BOT_MESSAGE in page
    assert "Typed in a hurry</textarea>" in page
    assert not Comment.objects.exists()


def _stamp_on_the_comment_form(client, article) -> str:
    """The `rendered_at` stamp of the comment form on the article page, as a browser sends it."""
    form = next(
        form
        for form in forms_on(client.get(article.get_absolute_url()).content.decode())
        if form["attrs"].get("action") == CREATE_URL
    )
    return form["hidden"]["rendered_at"]


def test_a_form_open_for_more_than_two_hours_is_shown_again_with_the_text_and_saves_nothing(
    client, member, article, time_machine
):
    trust(member)
    client.force_login(member)
    time_machine.move_to(timezone.now(), tick=False)
    stamp = _stamp_on_the_comment_form(client, article)
    time_machine.shift(timedelta(hours=2, minutes=1))

    response = client.post(
        CREATE_URL,
        form_data({"website": "", "rendered_at": stamp}, article, "Written over lunch, sent later"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "This form was open for more than two hours. Please send it again — your text is kept "
        "below."
    ) in page
    assert "Written over lunch, sent later</textarea>" in page
    assert not Comment.objects.exists()
    # The form shown again carries a fresh stamp: sending it as it is now works.
    fresh = re.search(r'name="rendered_at" value="([^"]+)"', page).group(1)
    response = client.post(
        CREATE_URL,
        form_data({"website": "", "rendered_at": fresh}, article, "Written over lunch, sent later"),
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "Written over lunch, sent later"


def test_a_form_open_for_just_under_two_hours_is_still_accepted(
    client, member, article, time_machine
):
    trust(member)
    client.force_login(member)
    time_machine.move_to(timezone.now(), tick=False)
    stamp = _stamp_on_the_comment_form(client, article)
    time_machine.shift(timedelta(hours=1, minutes=59))

    response = client.post(
        CREATE_URL, form_data({"website": "", "rendered_at": stamp}, article, "Took my time")
    )

    assert response.status_code == 302
    assert Comment.objects.get().body == "Took my time"


def test_the_third_comment_within_the_limit_is_refused_with_429_and_the_text_kept(
    client, member, human, article, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (2, 600)}
    client.force_login(member)

    first = client.post(CREATE_URL, form_data(human, article, "One"))
    second = client.post(CREATE_URL, form_data(human, article, "Two"))
    third = client.post(CREATE_URL, form_data(human, article, "Three, too many"))

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    page = third.content.decode()
    assert "You have reached the limit of 2 in 10 minutes" in page
    assert "Three, too many</textarea>" in page
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["One", "Two"]


def test_a_member_cannot_comment_on_a_draft_article(client, member, human):
    draft = ArticleFactory(draft=True)
    client.force_login(member)

    response = client.post(CREATE_URL, form_data(human, draft, "Early bird"))

    assert response.status_code == 404
    assert not Comment.objects.exists()


# --- Sanitizing --------------------------------------------------------------------------------


def test_script_images_and_javascript_links_in_a_comment_are_inert(client, member, human, article):
    trust(member)
    client.force_login(member)
    body = (
        "<script>alert(1)</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n"
        "[x](javascript:alert(1))\n\n"
        "[my route](https://example.com/route)"
    )

    client.post(CREATE_URL, form_data(human, article, body))

    page = client.get(article.get_absolute_url()).content.decode()
    found = elements(page)
    assert Comment.objects.get().status == Status.APPROVED
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not run
    assert "<script>alert" not in page
    assert not any("alert" in script for script in found.scripts)
    assert not any("onerror" in attrs for _, attrs in found.tags)
    assert not any(tag == "img" and attrs.get("src") == "x" for tag, attrs in found.tags)
    assert 'href="javascript' not in page.lower()
    links = [attrs for tag, attrs in found.tags if tag == "a"]
    assert {"href": "https://example.com/route", "rel": "nofollow ugc noopener"} in links


def test_markdown_emphasis_lists_and_quotes_render_in_a_comment(client, member, human, article):
    trust(member)
    client.force_login(member)
    body = "Run *slowly*.\n\n- warm up\n- jog\n\n> Rest is training too."

    client.post(CREATE_URL, form_data(human, article, body))

    page = client.get(article.get_absolute_url()).content.decode()
    assert "<em>slowly</em>" in page
    assert "<li>warm up</li>" in page
    assert "<li>jog</li>" in page
    assert re.search(r"<blockquote>\s*<p>Rest is training too.</p>\s*</blockquote>", page)


# --- Editing and removal -----------------------------------------------------------------------


def test_a_member_can_edit_their_comment_within_fifteen_minutes(
    client, member, article, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    comment = comment_on(article, member, "Fist draft.")
    time_machine.shift(timedelta(minutes=14))
    client.force_login(member)

    response = client.post(
        reverse("community:comment-update", args=[comment.pk]),
        {"body": "First draft."},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[0][0] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.body == "First draft."
    assert comment.edited_at == timezone.now()
    page = response.content.decode()
    assert "First draft." in page
    assert "Fist draft." not in page
    assert "(edited)" in page


def test_a_comment_can_no_longer_be_edited_after_sixteen_minutes(
    client, member, article, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    comment = comment_on(article, member, "Too late to change.")
    time_machine.shift(timedelta(minutes=16))
    client.force_login(member)

    response = client.post(
        reverse("community:comment-update", args=[comment.pk]), {"body": "Changed."}, follow=True
    )

    comment.refresh_from_db()
    assert comment.body == "Too late to change."
    assert comment.edited_at is None
    assert "This comment can no longer be edited." in response.content.decode()


@pytest.mark.parametrize("url_name", ["community:comment-update", "community:comment-delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_members_comment_cannot_be_edited_or_deleted(
    client, member, other, article, url_name, method
):
    comment = comment_on(article, other, "Olga's words.")
    client.force_login(member)

    response = getattr(client, method)(reverse(url_name, args=[comment.pk]), {"body": "Mine now"})

    assert response.status_code == 404
    comment.refresh_from_db()
    assert (comment.body, comment.is_removed) == ("Olga's words.", False)


def test_deleting_a_comment_without_replies_removes_it(client, member, article):
    comment = comment_on(article, member, "Never mind.")
    client.force_login(member)

    response = client.post(reverse("community:comment-delete", args=[comment.pk]), follow=True)

    assert not Comment.objects.filter(pk=comment.pk).exists()
    page = response.content.decode()
    assert "Never mind." not in page
    assert REMOVED_PLACEHOLDER not in page


def test_deleting_a_comment_with_replies_leaves_a_placeholder_and_the_replies(
    client, member, other, article
):
    comment = comment_on(article, member, "Something I regret.")
    comment_on(article, other, "A kind answer.", parent=comment)
    client.force_login(member)

    response = client.post(reverse("community:comment-delete", args=[comment.pk]), follow=True)

    comment.refresh_from_db()
    assert comment.is_removed
    page = response.content.decode()
    assert REMOVED_PLACEHOLDER in page
    assert "A kind answer." in page
    assert "Something I regret." not in page


def test_a_reported_comment_is_listed_for_editors_with_its_open_report_count(
    client, member, other, editor, human, article
):
    comment = comment_on(article, other, "Rude words.")
    client.force_login(member)

    response = client.post(
        reverse("community:comment-report", args=[comment.pk]),
        {"reason": "It is unkind.", **human},
    )

    assert response.status_code == 302
    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, member, "It is unkind.")
    client.force_login(editor)
    changelist = client.get(CHANGELIST_URL)
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert "Rude words." in page
    assert '<td class="field-open_reports">1</td>' in page


# --- Reply emails ------------------------------------------------------------------------------


def test_the_parent_author_gets_one_email_with_the_reply_and_a_replies_off_link(
    client,
    member,
    other,
    human,
    article,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from community.tasks import send_reply_notification

    queued = []
    real_delay = send_reply_notification.delay
    monkeypatch.setattr(
        send_reply_notification, "delay", lambda pk: queued.append(pk) or real_delay(pk)
    )
    parent = comment_on(article, member, "How do you stay motivated?")
    trust(other)
    client.force_login(other)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(human, article, "Small goals help me.", parent=parent))

    reply = Comment.objects.get(body="Small goals help me.")
    assert queued == [reply.pk]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["mira@example.com"]
    assert "Small goals help me." in mail.body
    assert "Small goals help me." in mail.alternatives[0][0]
    off_path = reply_off_path(mail)
    assert mail.extra_headers["List-Unsubscribe"].startswith(f"<http://testserver{off_path}>, ")


def test_no_reply_email_when_the_parent_author_turned_them_off(
    client, member, other, human, article, mailoutbox, django_capture_on_commit_callbacks
):
    ProfileFactory(user=member, display_name="Mira", notify_replies=False)
    parent = comment_on(article, member, "Question.")
    trust(other)
    client.force_login(other)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(human, article, "Answer.", parent=parent))

    assert Comment.objects.get(body="Answer.").status == Status.APPROVED
    assert mailoutbox == []


def test_no_reply_email_to_a_suppressed_address(
    client, member, other, human, article, mailoutbox, django_capture_on_commit_callbacks
):
    """A spam complaint or a hard bounce stops every kind of mail, reply notices too."""
    suppression.mark_complained(email="MIRA@example.com", detail="Amazon SES: abuse")
    parent = comment_on(article, member, "Question.")
    trust(other)
    client.force_login(other)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(human, article, "Answer.", parent=parent))

    assert Comment.objects.get(body="Answer.").status == Status.APPROVED
    assert mailoutbox == []


def test_no_reply_email_when_replying_to_oneself(
    client, member, human, article, mailoutbox, django_capture_on_commit_callbacks
):
    parent = comment_on(article, member, "Question.")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(human, article, "Answering myself.", parent=parent))

    assert Comment.objects.get(body="Answering myself.").status == Status.APPROVED
    assert mailoutbox == []


def test_a_held_reply_sends_its_email_only_once_an_editor_approves_it(
    client, member, other, editor, human, article, mailoutbox, django_capture_on_commit_callbacks
):
    parent = comment_on(article, member, "Question.")
    client.force_login(other)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(human, article, "A first reply.", parent=parent))

    reply = Comment.objects.get(body="A first reply.")
    assert reply.status == Status.PENDING
    assert mailoutbox == []

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST_URL, {"action": "approve", "_selected_action": [reply.pk]}
        )

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mira@example.com"]
    assert "A first reply." in mailoutbox[0].body


def test_the_replies_off_link_asks_first_then_turns_reply_emails_off(
    client, member, other, human, article, mailoutbox, django_capture_on_commit_callbacks
):
    parent = comment_on(article, member, "Question.")
    trust(other)
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(human, article, "Answer.", parent=parent))
    off_path = reply_off_path(mailoutbox[0])
    client.logout()

    asked = client.get(off_path)

    assert asked.status_code == 200
    assert "Stop reply emails</button>" in asked.content.decode()
    assert Profile.objects.get(user=member).notify_replies is True

    done = client.post(off_path)

    assert done.status_code == 200
    assert "you will no longer get an email" in done.content.decode()
    assert "To turn them back on" in done.content.decode()
    assert Profile.objects.get(user=member).notify_replies is False


def test_a_tampered_replies_off_token_is_refused(client, member):
    from community.services.profiles import mail_off_token

    ProfileFactory(user=member, display_name="Mira")
    token = mail_off_token(member, kind="replies")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.post(reverse("community:mail-off", args=["replies", tampered]))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Profile.objects.get(user=member).notify_replies is True


# --- Editors' moderation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", Status.APPROVED), ("reject", Status.REJECTED), ("mark_spam", Status.SPAM)],
)
def test_an_editor_moderates_comments_in_bulk(
    client, member, editor, article, action, status, django_capture_on_commit_callbacks
):
    chosen = [comment_on(article, member, f"Pending {n}", status=Status.PENDING) for n in (1, 2)]
    untouched = comment_on(article, member, "Not selected", status=Status.PENDING)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST_URL, {"action": action, "_selected_action": [c.pk for c in chosen]}
        )

    assert response.status_code == 302
    assert [Comment.objects.get(pk=c.pk).status for c in chosen] == [status, status]
    assert Comment.objects.get(pk=untouched.pk).status == Status.PENDING


def test_a_pending_comment_appears_on_the_page_after_an_editor_approves_it(
    client, member, editor, article, django_capture_on_commit_callbacks
):
    comment = comment_on(article, member, "Waiting patiently.", status=Status.PENDING)
    assert "Waiting patiently." not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST_URL, {"action": "approve", "_selected_action": [comment.pk]})

    client.logout()
    assert "Waiting patiently." in client.get(article.get_absolute_url()).content.decode()


# --- Query budget ------------------------------------------------------------------------------


def test_the_article_page_costs_the_same_queries_with_0_and_with_50_comments(
    client, member, article, django_assert_num_queries
):
    client.force_login(member)
    url = article.get_absolute_url()
    authors = [MemberFactory(username=f"runner{n}") for n in range(5)]
    client.get(url)  # warm caches that only the first request fills (content types, sessions)
    cache.clear()  # each count is of a thread rendered afresh, not of its cached list
    with CaptureQueriesContext(connection) as empty:
        assert client.get(url).status_code == 200
    for n in range(25):
        top = comment_on(article, authors[n % 5], f"Comment {n}")
        comment_on(article, authors[(n + 1) % 5], f"Reply {n}", parent=top)

    cache.clear()
    with django_assert_num_queries(len(empty.captured_queries)):
        response = client.get(url)

    assert response.context["thread"].count == 50
    assert "Reply 24" in response.content.decode()


def test_a_member_sees_their_own_actions_in_a_long_thread_rendered_for_them(
    client, member, article
):
    """A member's thread is read and rendered for them on every visit: no shared copy with
    slots filled in afterwards. Edit and Delete under their own comments, Report under others'."""
    runner = MemberFactory(username="runner")
    for n in range(25):
        comment_on(article, runner, f"Comment {n}")
    own = comment_on(article, member, "Mine.")
    client.force_login(member)

    page = client.get(article.get_absolute_url()).content.decode()

    mine = page.split(f'id="comment-{own.pk}"')[1].split("</article>")[0]
    assert "Edit</a>" in mine and "Delete</a>" in mine and "Report" not in mine
    assert page.count(">Report</a>") == 25
    thread = page.split('id="comments"')[1].split("</section>")[0]
    assert thread.count('name="csrfmiddlewaretoken"') == 1 + 26  # a new comment's, each reply's


def test_each_member_gets_their_own_actions_and_a_working_reply_form_from_the_shared_list(
    member, other, article, settings
):
    settings.FORM_MIN_SECONDS = 0
    mine = comment_on(article, member, "Mira's note.")
    theirs = comment_on(article, other, "Olga's note.")
    url = article.get_absolute_url()
    mira, olga = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    mira.force_login(member)
    olga.force_login(other)

    pages = {name: browser.get(url).content.decode() for name, browser in
             (("mira", mira), ("olga", olga))}  # fmt: skip

    def actions(page, comment):
        found = re.search(rf'id="comment-{comment.pk}".*?</article>', page, re.S).group(0)
        return re.findall(r">(Edit|Delete|Report)</a>", found)

    assert actions(pages["mira"], mine) == ["Edit", "Delete"]
    assert actions(pages["mira"], theirs) == ["Report"]
    assert actions(pages["olga"], mine) == ["Report"]
    assert actions(pages["olga"], theirs) == ["Edit", "Delete"]
    assert "<!--" not in pages["olga"].split('id="comments"')[1].split("</section>")[0]

    reply_form = next(
        form for form in forms_on(pages["olga"])
        if form["hidden"].get("parent_id") == str(mine.pk)
    )  # fmt: skip
    response = olga.post(CREATE_URL, {**reply_form["hidden"], "body": "Nice one, Mira!"})

    assert response.status_code == 302
    assert Comment.objects.get(parent=mine).author == other
    assert "Nice one, Mira!" in mira.get(url).content.decode()


def test_the_edit_link_goes_when_the_window_closes_though_the_list_is_shared(
    client, member, article
):
    mine = comment_on(article, member, "Edit me soon.")
    client.force_login(member)
    url = article.get_absolute_url()
    assert (
        f'href="{reverse("community:comment-update", args=[mine.pk])}"'
        in client.get(url).content.decode()
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        later = client.get(url).content.decode()

    assert f'href="{reverse("community:comment-update", args=[mine.pk])}"' not in later
    assert f'href="{reverse("community:comment-delete", args=[mine.pk])}"' in later
