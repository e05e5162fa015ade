from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.pagecache import cache_public_page
from newsletter.services.subscriptions import subscription_for_member

from ..forms.profiles import AccountDeleteForm, ProfileForm
from ..models import Profile
from ..services import account, profiles, shares

MEMBER_PAGE_SHARES = 10


@login_required
def profile_update(request):
    profile = profiles.get_profile(request.user)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields if name != "avatar"}
        avatar = form.cleaned_data.get("avatar") if "avatar" in form.changed_data else None
        profiles.update_profile(profile=profile, data=data, avatar=avatar)
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    return render(
        request,
        "community/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "newsletter_subscription": subscription_for_member(request.user),
        },
        status=400 if form.errors else 200,
    )


@cache_public_page("community")
def member_detail(request, pk):
    """A member's public page: only what they chose to show, never their email."""
    profile = get_object_or_404(Profile.objects.select_related("city", "user"), pk=pk)
    recent = shares.annotate_for_cards(
        profile.user.shares.approved()
        .select_related("author__profile", "city")
        .order_by("-created_at", "-id"),
        user=request.user,
    )[:MEMBER_PAGE_SHARES]
    return render(request, "community/member_detail.html", {"profile": profile, "shares": recent})


# The one-click POST (RFC 8058) comes from mail clients with no cookies and no CSRF token: the
# signed token in the URL is its only authentication, and all it can do is stop that mail.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mail_off(request, kind, token):
    """A stop link from a recurring email: GET asks (a link scanner's visit stops nothing),
    POST stops that kind of mail, whether from the page's button or a mail client's one click."""
    member = profiles.member_from_mail_off_token(kind=kind, token=token)
    if member is None:
        # As any unknown address: the token is damaged, forged, or names an unknown kind.
        return render(
            request, "community/mail_off.html", {"kind": kind, "invalid": True}, status=404
        )
    done = request.method == "POST" and profiles.turn_off_mail(kind=kind, token=token)
    return render(request, "community/mail_off.html", {"kind": kind, "done": bool(done)})


@login_required
def data_export(request):
    """Download everything we hold about the member, as JSON."""
    response = JsonResponse(
        account.export_member_data(request.user), json_dumps_params={"indent": 2}
    )
    filename = f"run-toward-balance-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    """Delete the account after the member confirms with their password."""
    if not request.user.has_usable_password():
        messages.info(request, "Set a password first, then come back to delete your account.")
        return redirect("account_set_password")
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account.delete_account(
            user=user, keep_comments_anonymously=form.cleaned_data["comments"] == "anonymise"
        )
        messages.success(request, "Your account and what you shared are deleted. Take care!")
        return redirect("home")
    return render(
        request,
        "community/account_delete.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
