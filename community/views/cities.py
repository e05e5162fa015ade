from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from common.pagecache import cache_public_page
from common.ratelimit import RateLimited

from ..forms.cities import PartnerPostForm, SuggestionForm
from ..models import City, PartnerPost, Status
from ..services import cities
from ..services.profiles import get_profile
from . import HELD_FOR_REVIEW

POSTS_PER_PAGE = 10


def _form_status(form, status: int = 200) -> int:
    return 400 if form.errors and status == 200 else status


@cache_public_page("community")
def city_list(request):
    profile = get_profile(request.user) if request.user.is_authenticated else None
    return render(
        request,
        "community/city_list.html",
        {"cities": cities.list_cities(), "profile": profile},
    )


@cache_public_page("community", "comments")
def city_detail(request, slug):
    try:
        page = cities.city_page(slug=slug)
    except City.DoesNotExist:
        raise Http404("No city hub with that address.") from None
    page_obj = Paginator(page.posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/city_detail.html",
        {
            "page": page,
            "city": page.city,
            "page_obj": page_obj,
            "post_form": PartnerPostForm() if request.user.is_authenticated else None,
        },
    )


@login_required
def suggestion_create(request, slug):
    city = get_object_or_404(City, slug=slug)
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        try:
            cities.suggest_place(
                member=request.user,
                city=city,
                kind=form.cleaned_data["kind"],
                data=form.place_data(),
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Thanks — an editor will check it before it appears.")
            return redirect(city)
    return render(
        request,
        "community/suggestion_form.html",
        {"form": form, "city": city},
        status=_form_status(form, status),
    )


@login_required
def post_create(request, slug):
    city = get_object_or_404(City, slug=slug)
    form = PartnerPostForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        try:
            post = cities.create_post(
                author=request.user,
                city=city,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        else:
            if post.status == Status.APPROVED:
                messages.success(request, "Your post is up. Replies will appear under it.")
            else:
                messages.info(request, HELD_FOR_REVIEW)
            return redirect(post)
    return render(
        request,
        "community/partnerpost_form.html",
        {"form": form, "city": city},
        status=_form_status(form, status),
    )


@cache_public_page("community", "comments")
def post_detail(request, pk):
    visible = Q(status=Status.APPROVED)
    if request.user.is_authenticated:
        visible |= Q(author=request.user)
    post = get_object_or_404(
        PartnerPost.objects.filter(visible).select_related("city", "author__profile"), pk=pk
    )
    return render(request, "community/partnerpost_detail.html", {"post": post})


@login_required
def post_update(request, pk):
    post = get_object_or_404(PartnerPost.objects.select_related("city"), pk=pk, author=request.user)
    form = PartnerPostForm(request.POST if request.method == "POST" else None, instance=post)
    if form.is_valid():
        cities.update_post(
            post=post,
            author=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, "Your post was updated.")
        return redirect(post)
    return render(
        request,
        "community/partnerpost_form.html",
        {"form": form, "city": post.city, "post": post},
        status=_form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request, pk):
    post = get_object_or_404(PartnerPost.objects.select_related("city"), pk=pk, author=request.user)
    if request.method == "POST":
        city = post.city
        cities.delete_post(post=post, author=request.user)
        messages.success(request, "Your post was deleted.")
        return redirect(city)
    return render(request, "community/partnerpost_confirm_delete.html", {"post": post})
