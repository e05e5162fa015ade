"""The parts every email shares: its domain, its Message-ID and how a kind of mail is stopped."""

import re

import pytest

from common import mail


def test_message_ids_live_on_the_site_domain_whatever_the_machine_is_called(settings):
    settings.SITE_URL = "https://runtowardbalance.example"

    assert mail.message_id("issue", 3, 7).endswith("@runtowardbalance.example>")
    assert re.fullmatch(r"<\S+@runtowardbalance\.example>", mail.new_message_id("reply"))
    assert mail.new_message_id("reply") != mail.new_message_id("reply")


def test_a_built_email_has_both_parts_the_site_name_and_a_site_message_id(settings):
    settings.SITE_URL = "https://runtowardbalance.example"

    message = mail.build_email(
        "emails/newsletter/confirm",
        {"confirm_url": "https://runtowardbalance.example/newsletter/confirm/abc/"},
        to=["ana@example.com"],
    )

    assert message.to == ["ana@example.com"]
    assert "Run Toward Balance" in message.subject
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"].endswith("@runtowardbalance.example>")


def test_mailto_is_advertised_only_while_something_reads_the_mailbox(settings):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILBOX = "unsubscribe@runtowardbalance.example"
    settings.UNSUBSCRIBE_MAILBOX_READ = True
    headers = mail.one_click_headers(kind="replies", token="t0k", url="https://x.example/off/")
    assert headers["List-Unsubscribe"] == (
        "<https://x.example/off/>, "
        "<mailto:unsubscribe@runtowardbalance.example?subject=unsubscribe%20replies%20t0k>"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    settings.UNSUBSCRIBE_MAILBOX_READ = False
    headers = mail.one_click_headers(kind="replies", token="t0k", url="https://x.example/off/")
    assert headers["List-Unsubscribe"] == "<https://x.example/off/>"


@pytest.mark.parametrize(
    ("subject", "parsed"),
    [
        ("unsubscribe replies t0k", ("replies", "t0k")),
        ("Re: Unsubscribe newsletter abc:def", ("newsletter", "abc:def")),
        ("unsubscribe abc:def", ("newsletter", "abc:def")),
        ("unsubscribe", None),
        ("Hello there", None),
        ("", None),
    ],
)
def test_a_mailed_unsubscribe_subject_gives_its_kind_and_token(subject, parsed):
    assert mail.parse_unsubscribe_subject(subject) == parsed


def test_stopping_calls_the_kinds_own_handler_and_refuses_unknown_kinds(monkeypatch):
    monkeypatch.setattr(mail, "_stoppers", {})
    stopped = []
    mail.register_stop("replies", lambda token: token == "good" and not stopped.append(token))

    assert mail.stop("replies", "good") is True
    assert mail.stop("replies", "forged") is False
    assert mail.stop("unknown", "good") is False
    assert stopped == ["good"]
