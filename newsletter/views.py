"""Public newsletter pages: signing up, confirming, leaving, preferences and the issue archive.

No page tells a visitor whether an address is already subscribed: a new, a pending and a
confirmed address all get the same redirect and the same "check your inbox" page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from articles.models import Article
from common.csrf import protect_cached_form
from common.pagecache import cache_public_page
from common.ratelimit import RateLimited, client_ip

from .forms import MemberSubscribeForm, PreferencesForm, SubscribeForm
from .models import Issue, Subscriber
from .services import subscriptions, suppression

ISSUE_PAGE_SIZE = 12


def rate_limit_message(error: RateLimited) -> str:
    return (
        "We have had too many sign-up requests for this address or from your network. "
        f"Please try again in {error.wait} — your address is kept below."
    )


def link_invalid(request, kind: str):
    """A link whose token is damaged, forged or expired: 404, as for any unknown address, with
    a page that says what to do instead."""
    return render(request, "newsletter/link_invalid.html", {"kind": kind}, status=404)


@require_http_methods(["GET", "POST"])
@protect_cached_form
@cache_public_page("newsletter")
def subscribe(request):
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                subscriptions.subscribe(
                    email=form.cleaned_data["email"],
                    newsletter=form.cleaned_data["newsletter"],
                    beginner_series=form.cleaned_data["beginner_series"],
                    source=form.cleaned_data["source"],
                    client_ip=client_ip(request),
                )
            except RateLimited as error:
                form.add_error(None, rate_limit_message(error))
                status = 429
            else:
                # New, pending or long confirmed: the same answer, so nobody learns who subscribes.
                return redirect("newsletter:subscribe-done")
    return render(request, "newsletter/subscribe.html", {"subscribe_form": form}, status=status)


@require_GET
@cache_public_page()
def subscribe_done(request):
    return render(request, "newsletter/subscribe_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET asks, and only POST confirms: mail scanners that open links confirm nobody."""
    subscriber = subscriptions.subscriber_from_confirm_token(token)
    if subscriber is None:
        return link_invalid(request, "confirm")
    if request.method == "GET":
        return render(request, "newsletter/confirm.html", {"subscriber": subscriber})
    subscriber = subscriptions.confirm(subscriber=subscriber)
    if subscriber.status != Subscriber.Status.CONFIRMED:
        # Left (or bounced) since the link was sent: an old link never signs anyone up again.
        return render(request, "newsletter/link_invalid.html", {"kind": "confirm"}, status=400)
    return render(
        request,
        "newsletter/welcome.html",
        {
            "subscriber": subscriber,
            "token": subscriptions.manage_token(subscriber),
        },
    )


# The one-click POST (RFC 8058) comes from mail clients with no cookies and no CSRF token: the
# signed token in the URL is its only authentication, and all it can do is unsubscribe.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = subscriptions.subscriber_from_manage_token(token)
    if subscriber is None:
        return link_invalid(request, "manage")
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html", {"token": token})
    return render(
        request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    subscriber = subscriptions.subscriber_from_manage_token(token)
    if subscriber is None:
        return link_invalid(request, "manage")
    is_active = subscriber.status in (Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING)
    form = PreferencesForm(
        request.POST if request.method == "POST" and is_active else None,
        initial={
            "newsletter": subscriber.wants_newsletter,
            "beginner_series": subscriber.wants_beginner_series,
        },
    )
    if form.is_bound and form.is_valid():
        subscriber = subscriptions.update_preferences(
            subscriber=subscriber,
            newsletter=form.cleaned_data["newsletter"],
            beginner_series=form.cleaned_data["beginner_series"],
        )
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            return render(request, "newsletter/unsubscribed.html", {"token": token})
        messages.success(request, "Saved. You will get just what you ticked.")
        return redirect("newsletter:preferences", token=token)
    return render(
        request,
        "newsletter/preferences.html",
        {"subscriber": subscriber, "form": form, "is_active": is_active, "token": token},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def member_subscribe(request):
    """The profile's one-step sign-up: allauth has already verified the member's address."""
    if not subscriptions.member_has_verified_email(request.user):
        messages.error(
            request,
            "Please verify your email address first: follow the link we sent you, or send a new "
            "one from the email settings. Then subscribe here in one step.",
        )
        return redirect("profile")
    form = MemberSubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.non_field_errors()[0])
        return redirect("profile")
    try:
        subscriber = subscriptions.subscribe(
            email=request.user.email,
            newsletter=form.cleaned_data["newsletter"],
            beginner_series=form.cleaned_data["beginner_series"],
            source="profile",
            user=request.user,
            confirmed=True,
        )
    except RateLimited as error:
        messages.error(
            request,
            f"That was several changes in a short while. Please try again in {error.wait}.",
        )
    else:
        address = request.user.email
        if subscriber is None and suppression.blocks_subscribing(address):
            # The member's own address, signed in: telling them why hides nothing from anyone.
            messages.error(
                request,
                f"We stopped all our emails to {address} after a spam report or at your "
                "request, so we cannot subscribe it here; an editor can lift the stop if you "
                "ask us to.",
            )
        elif subscriber is not None and subscriber.status == Subscriber.Status.PENDING:
            messages.success(
                request,
                f"Our last emails to {address} came back, so please confirm it once more: "
                "follow the link we have just sent there.",
            )
        else:
            messages.success(request, f"Subscribed! Our emails will come to {address}.")
    return redirect("profile")


@method_decorator(cache_public_page("newsletter"), name="dispatch")
class IssueListView(ListView):
    template_name = "newsletter/issue_list.html"
    context_object_name = "issues"
    paginate_by = ISSUE_PAGE_SIZE

    def get_queryset(self):
        return Issue.objects.sent().order_by("-sent_at", "-pk")


@method_decorator(cache_public_page("newsletter", "publication"), name="dispatch")
class IssueDetailView(DetailView):
    """A sent issue's web version; editors may preview one that has not gone out yet."""

    template_name = "newsletter/issue_detail.html"
    context_object_name = "issue"

    def get_object(self, queryset=None):
        issue = get_object_or_404(Issue, pk=self.kwargs["pk"])
        if issue.status != Issue.Status.SENT and not self.request.user.has_perm(
            "newsletter.view_issue"
        ):
            raise Http404("No such issue.")
        return issue

    def get_context_data(self, **kwargs):
        is_preview = self.object.status != Issue.Status.SENT
        order = list(self.object.issue_articles.values_list("article_id", flat=True))
        # Readers see the pieces that are still published; an editor's preview shows them all.
        articles = Article.objects.all() if is_preview else Article.objects.published()
        by_id = {article.pk: article for article in articles.for_cards().filter(pk__in=order)}
        return super().get_context_data(
            articles=[by_id[pk] for pk in order if pk in by_id], is_preview=is_preview, **kwargs
        )


issue_list = IssueListView.as_view()
issue_detail = IssueDetailView.as_view()
