"""Building newsletter emails: one render per batch, then per-subscriber links swapped in.

Every message carries its own unsubscribe and preferences links, RFC 8058 one-click headers,
and a Message-ID that is the same for the same issue and subscriber (so a resend after a crash
is recognisable as the same message).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from common.mail import build_email, message_id, one_click_headers

from ..models import Issue, Subscriber
from .subscriptions import absolute, confirm_token, manage_token

UNSUBSCRIBE_URL = "__UNSUBSCRIBE_URL__"
PREFERENCES_URL = "__PREFERENCES_URL__"


def _links(subscriber: Subscriber) -> dict[str, str]:
    token = manage_token(subscriber)
    return {
        "token": token,
        UNSUBSCRIBE_URL: absolute(reverse("newsletter:unsubscribe", kwargs={"token": token})),
        PREFERENCES_URL: absolute(reverse("newsletter:preferences", kwargs={"token": token})),
    }


@dataclass
class RenderedIssue:
    """An issue rendered once, with placeholders where each subscriber's links go."""

    issue: Issue
    subject: str
    text: str
    html: str

    def message_for(self, subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
        links = _links(subscriber)
        text, html = self.text, self.html
        for placeholder in (UNSUBSCRIBE_URL, PREFERENCES_URL):
            text = text.replace(placeholder, links[placeholder])
            html = html.replace(placeholder, links[placeholder])
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=text,
            to=[subscriber.email],
            connection=connection,
            headers=list_headers(links, message_id("issue", self.issue.pk, subscriber.pk)),
        )
        message.attach_alternative(html, "text/html")
        return message


def list_headers(links: dict[str, str], msg_id: str) -> dict[str, str]:
    return {
        "Message-ID": msg_id,
        **one_click_headers(kind="newsletter", token=links["token"], url=links[UNSUBSCRIBE_URL]),
    }


def render_issue(issue: Issue, *, for_web: bool = False) -> RenderedIssue:
    """Render an issue's HTML and text once (featured articles loaded in one query)."""
    articles = [
        link.article
        for link in issue.issue_articles.select_related("article__hero_image").order_by(
            "order", "id"
        )
    ]
    context = {
        "issue": issue,
        "articles": articles,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "web_url": absolute(issue.get_absolute_url()),
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "preferences_url": PREFERENCES_URL,
        "for_web": for_web,
    }
    return RenderedIssue(
        issue=issue,
        subject=issue.subject,
        text=render_to_string("emails/newsletter/issue.txt", context),
        html=render_to_string("emails/newsletter/issue.html", context),
    )


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The double opt-in email: nothing the visitor typed appears in it but the address."""
    confirm_url = absolute(
        reverse("newsletter:confirm", kwargs={"token": confirm_token(subscriber)})
    )
    sent_at = subscriber.confirmation_sent_at
    return build_email(
        "emails/newsletter/confirm",
        {"confirm_url": confirm_url},
        to=[subscriber.email],
        headers={
            "Message-ID": message_id(
                "confirm", subscriber.pk, int(sent_at.timestamp()) if sent_at else 0
            )
        },
    )


def welcome_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The one welcome on confirming: what comes next, with the subscriber's own links."""
    links = _links(subscriber)
    return build_email(
        "emails/newsletter/welcome",
        {
            "subscriber": subscriber,
            "unsubscribe_url": links[UNSUBSCRIBE_URL],
            "preferences_url": links[PREFERENCES_URL],
        },
        to=[subscriber.email],
        headers=list_headers(links, message_id("welcome", subscriber.pk)),
    )


def series_message(subscriber: Subscriber, step, *, connection=None) -> EmailMultiAlternatives:
    links = _links(subscriber)
    context = {
        "step": step,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "unsubscribe_url": links[UNSUBSCRIBE_URL],
        "preferences_url": links[PREFERENCES_URL],
    }
    message = EmailMultiAlternatives(
        subject=f"{step.subject} — beginner series, week {step.number}",
        body=render_to_string("emails/newsletter/series.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers=list_headers(links, message_id("series", subscriber.pk, step.number)),
    )
    message.attach_alternative(
        render_to_string("emails/newsletter/series.html", context), "text/html"
    )
    return message
