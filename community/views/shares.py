from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.pagecache import cache_public_page
from common.ratelimit import RateLimited

from ..forms.shares import ShareForm
from ..models import City, Share, Status
from ..services import shares
from . import HELD_FOR_REVIEW

FEED_PAGE_SIZE = 12


@require_GET
@cache_public_page("community", "comments", query=("page", "kind", "city"))
def share_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Share.Kind.values else ""
    city_slug = request.GET.get("city", "")
    page = Paginator(
        shares.feed(user=request.user, kind=kind, city_slug=city_slug), FEED_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "community/share_list.html",
        {
            "page_obj": page,
            "shares": page.object_list,
            "kinds": Share.Kind.choices,
            "kind": kind,
            "cities": City.objects.filter(shares__status=Status.APPROVED).distinct(),
            "city_slug": city_slug,
        },
    )


@login_required
def share_create(request):
    form = ShareForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                share = shares.create_share(
                    author=request.user, photo=form.cleaned_data.get("photo"), **form.service_data()
                )
            except RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            else:
                if share.status == Status.APPROVED:
                    messages.success(request, "Shared! Your post is in the community feed.")
                else:
                    messages.info(request, HELD_FOR_REVIEW)
                return redirect(share)
    return render(request, "community/share_form.html", {"form": form}, status=status)


@cache_public_page("community", "comments")
def share_detail(request, pk):
    share = shares.share_for_page(pk=pk, user=request.user)
    if share is None:
        raise Http404("No such share.")
    return render(
        request,
        "community/share_detail.html",
        {"share": share},
    )


@login_required
def share_update(request, pk):
    share = get_object_or_404(Share, pk=pk, author=request.user)
    form = ShareForm(request.POST or None, request.FILES or None, instance=share)
    if request.method == "POST" and form.is_valid():
        new_photo = form.cleaned_data.get("photo") if "photo" in form.changed_data else None
        shares.update_share(
            share=share, user=request.user, data=form.service_data(), photo=new_photo
        )
        messages.success(request, "Your share was updated.")
        return redirect(share)
    return render(
        request, "community/share_form.html", {"form": form, "share": share},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
def share_delete(request, pk):
    share = get_object_or_404(Share, pk=pk, author=request.user)
    if request.method == "POST":
        shares.delete_share(share=share, user=request.user)
        messages.success(request, "Your share was deleted.")
        return redirect("community:share-list")
    return render(request, "community/share_confirm_delete.html", {"share": share})


@login_required
@require_POST
def share_cheer(request, pk):
    share = get_object_or_404(Share.objects.approved(), pk=pk)
    try:
        intent = {"on": True, "off": False}.get(request.POST.get("cheer", ""))
        cheered = shares.set_cheer(share=share, member=request.user, cheer=intent)
    except RateLimited as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "You cheered this!" if cheered else "Cheer taken back.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(share)
