"""Every kind of email the site sends, as a receiver's filter first sees it: one real message of
each kind, built the way the site builds it, scored by Debian's SpamAssassin with its local
rules only (no network), and each header a receiver checks on the site's own domain.

To add a kind of mail, write a builder that returns its EmailMessage and add one line to KINDS.
"""

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import require

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SITE_URL = "https://runtowardbalance.example"
DOMAIN = "runtowardbalance.example"
MAX_SCORE = 1.0
# Rules that each flag a fault in how we build mail (text hidden by colour or a 0–1px font,
# half a set of list headers, spammers' unsubscribe wording): none may hit, whatever the total.
OUR_FAULTS = {
    "END_FUTURE_EMAILS",
    "FONT_INVIS_MSGID",
    "HTML_FONT_LOW_CONTRAST",
    "LIST_PARTIAL_SHORT_MSG",
    "MIME_HTML_ONLY",
    "MISSING_DATE",
    "MISSING_MID",
}
SPAMASSASSIN = shutil.which("spamassassin") or "/usr/bin/spamassassin"
PASSWORD = "a-long-test-password-42"


@pytest.fixture(autouse=True)
def _production_like_mail(settings):
    settings.SITE_URL = SITE_URL
    settings.DEFAULT_FROM_EMAIL = f"Run Toward Balance <hello@{DOMAIN}>"


# --- One real message of each kind -------------------------------------------------------------


def _confirmed_subscriber(email="reader@example.com"):
    from newsletter.models import Subscriber

    return Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )


def newsletter_issue(client, mailoutbox):
    from newsletter.models import Issue, IssueArticle
    from newsletter.services.emails import render_issue
    from tests.articles.factories import ArticleFactory, ImageFactory

    issue = Issue.objects.create(
        subject="Rest is training too",
        preheader="Why the easy days make the hard ones possible",
        intro=(
            "This week is about **rest**: what your body does on the days between runs, and "
            "how to plan a week that leaves room for it."
        ),
        closing="See you next week, and enjoy the easy miles.",
        status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )
    pictured = ArticleFactory(
        title="What happens while you rest",
        summary="Muscles rebuild on the days between runs, and sleep does most of the work.",
        hero_image=ImageFactory(alt_text="A runner stretching on a bench"),
    )
    plain = ArticleFactory(
        title="A gentle week plan",
        summary="Three short runs, two walks and a day off: a week that feels good.",
    )
    IssueArticle.objects.create(issue=issue, article=pictured, order=1)
    IssueArticle.objects.create(issue=issue, article=plain, order=2)
    return render_issue(issue).message_for(_confirmed_subscriber())


def series_step(client, mailoutbox):
    from newsletter.services.emails import series_message
    from newsletter.services.series import STEPS

    return series_message(_confirmed_subscriber("beginner@example.com"), STEPS[0])


def newsletter_confirmation(client, mailoutbox):
    from newsletter.models import Subscriber
    from newsletter.services.emails import confirmation_message

    subscriber = Subscriber.objects.create(
        email="new@example.com",
        status=Subscriber.Status.PENDING,
        confirmation_sent_at=timezone.now(),
    )
    return confirmation_message(subscriber)


def reply_notice(client, mailoutbox):
    from django.contrib.auth import get_user_model

    from community.models import Comment, Profile, Status
    from community.services.comments import notify_reply
    from tests.articles.factories import ArticleFactory

    users = get_user_model().objects
    mira = users.create_user(username="mira", email="mira@example.com", password=PASSWORD)
    sam = users.create_user(username="sam", email="sam@example.com", password=PASSWORD)
    Profile.objects.create(user=mira, display_name="Mira")
    Profile.objects.create(user=sam, display_name="Sam")
    article = ArticleFactory(title="How to stay motivated through winter")
    parent = Comment.objects.create(
        article=article, author=mira, body="How do you stay motivated when it is dark at six?"
    )
    reply = Comment.objects.create(
        article=article,
        author=sam,
        parent=parent,
        body="Small goals help me: I plan one short run with a friend each week.",
        status=Status.APPROVED,
    )
    assert notify_reply(comment=reply)
    return mailoutbox[-1]


def goal_reminder(client, mailoutbox):
    from django.contrib.auth import get_user_model

    from community.models import Goal, Profile
    from community.services.goals import send_goal_reminders

    gus = get_user_model().objects.create_user(username="gus", email="gus@example.com")
    Profile.objects.create(user=gus, display_name="Gus", goal_reminders=True)
    Goal.objects.create(
        member=gus,
        preset=Goal.Preset.FEEL_GOOD_5K,
        title="A feel-good 5K",
        target_on=timezone.localdate() + timedelta(days=120),
    )
    assert send_goal_reminders() == 1
    return mailoutbox[-1]


def signup_verification(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "joiner@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    [message] = [m for m in mailoutbox if m.to == ["joiner@example.com"]]
    return message


def password_reset(client, mailoutbox):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    rita = get_user_model().objects.create_user(
        username="rita", email="rita@example.com", password=PASSWORD
    )
    EmailAddress.objects.create(user=rita, email=rita.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": rita.email})
    [message] = [m for m in mailoutbox if m.to == [rita.email]]
    return message


def newsletter_welcome(client, mailoutbox):
    from newsletter.services.emails import welcome_message

    return welcome_message(_confirmed_subscriber("welcomed@example.com"))


def member_welcome(client, mailoutbox):
    from django.contrib.auth import get_user_model

    from community.services.welcome import welcome_message

    member = get_user_model().objects.create_user(
        username="runner_w3lc", email="member@example.com", password=PASSWORD
    )
    return welcome_message(member)


KINDS = {
    "newsletter issue": newsletter_issue,
    "series step": series_step,
    "newsletter confirmation": newsletter_confirmation,
    "reply notice": reply_notice,
    "goal reminder": goal_reminder,
    "sign-up verification": signup_verification,
    "password reset": password_reset,
    "newsletter welcome": newsletter_welcome,
    "member welcome": member_welcome,
}


def as_received(message) -> bytes:
    """The message's bytes as a receiving filter reads them."""
    return message.message().as_bytes(linesep="\n")


# --- SpamAssassin ------------------------------------------------------------------------------


@dataclass
class Score:
    points: float
    rules: list[str]  # "1.0 RULE_NAME", the report's lines that scored


def spamassassin(message: bytes, home: Path) -> Score:
    """`spamassassin -L -t` with a throwaway home and empty user prefs: local rules, no
    network, no Bayes or auto-welcomelist learned from earlier runs, nothing written elsewhere."""
    prefs = home / "user_prefs"
    prefs.touch()
    result = subprocess.run(
        [SPAMASSASSIN, "-L", "-t", "-x", "-p", str(prefs)],
        input=message,
        capture_output=True,
        env={**os.environ, "HOME": str(home)},
        timeout=120,
        check=True,
    )
    output = result.stdout.decode(errors="replace")
    details = re.search(r"Content analysis details:\s+\((-?[\d.]+) points", output)
    assert details, output
    rules = [
        f"{points} {name}"
        for points, name in re.findall(r"^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s", output, re.M)
    ]
    return Score(float(details[1]), rules)


def test_every_kind_of_email_scores_at_most_one_with_spamassassins_local_rules(
    client, mailoutbox, tmp_path
):
    require(
        os.access(SPAMASSASSIN, os.X_OK),
        "Debian's spamassassin is not installed (apt-get install spamassassin)",
    )
    messages = {}
    for kind, build in KINDS.items():
        mailoutbox.clear()
        messages[kind] = as_received(build(client, mailoutbox))
    homes = {kind: tmp_path / f"sa-{n}" for n, kind in enumerate(messages)}
    for home in homes.values():
        home.mkdir()

    # Each run takes a second or two, nearly all of it loading the rules: run them side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        scores = dict(
            zip(
                messages,
                pool.map(lambda kind: spamassassin(messages[kind], homes[kind]), messages),
                strict=True,
            )
        )

    report = "\n".join(
        f"{kind}: {score.points} ({', '.join(score.rules) or 'no rules'})"
        for kind, score in scores.items()
    )
    print(report)  # noqa: T201 (shown with -s, and by pytest when the test fails)
    assert all(score.points <= MAX_SCORE for score in scores.values()), report
    assert not [
        rule for score in scores.values() for rule in score.rules if rule.split()[1] in OUR_FAULTS
    ], report


# --- The headers a receiver checks -------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_email_has_its_date_sender_and_message_id_on_the_sites_domain(
    kind, client, mailoutbox
):
    message = KINDS[kind](client, mailoutbox).message()

    assert message["Date"]
    assert message["From"] == f"Run Toward Balance <hello@{DOMAIN}>"
    assert re.fullmatch(rf"<[^<>@\s]+@{re.escape(DOMAIN)}>", message["Message-ID"])
