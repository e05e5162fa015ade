"""City hubs: the page read for a city, members' suggestions of clubs and routes, and partner
posts."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from common.markup import render_markdown
from common.ratelimit import check_rate

from ..models import City, Club, PartnerPost, Profile, Route, Status
from .comments import with_comment_counts
from .moderation import has_too_many_links, initial_status
from .profiles import get_profile

# What a member may fill in for each kind of suggestion; anything else in `data` is ignored.
PLACE_FIELDS: dict[str, tuple[type[Club] | type[Route], tuple[str, ...]]] = {
    "club": (Club, ("name", "description", "meets", "website")),
    "route": (Route, ("name", "description", "distance_km", "surface", "start_point")),
}


# --- Reads -------------------------------------------------------------------------------------


@dataclass
class CityPage:
    """What a city hub shows; `posts` is left lazy so the view can paginate it."""

    city: City
    clubs: list[Club]
    routes: list[Route]
    members: list[Profile]
    posts: QuerySet


def list_cities() -> QuerySet:
    """Every city with its counts of approved clubs, routes and partner posts, in one query."""
    approved = Status.APPROVED
    return City.objects.annotate(
        club_count=Count("clubs", filter=Q(clubs__status=approved), distinct=True),
        route_count=Count("routes", filter=Q(routes__status=approved), distinct=True),
        post_count=Count("partner_posts", filter=Q(partner_posts__status=approved), distinct=True),
    ).order_by("name")


def city_page(*, slug: str) -> CityPage:
    """A city with its approved clubs and routes, findable members and approved partner posts
    (newest first, with comment counts and authors' profiles), in a fixed number of queries.

    Raises City.DoesNotExist for an unknown slug."""
    city = City.objects.get(slug=slug)
    members = (
        Profile.objects.filter(city=city, is_findable=True, user__is_active=True)
        # Display names only: nothing else about a findable member leaves the database here.
        .only("id", "display_name")
        .order_by("display_name", "id")
    )
    posts = with_comment_counts(
        PartnerPost.objects.approved()
        .filter(city=city)
        .select_related("author__profile")
        .order_by("-created_at", "-id")
    )
    return CityPage(
        city=city,
        clubs=list(Club.objects.approved().filter(city=city).order_by("name")),
        routes=list(Route.objects.approved().filter(city=city).order_by("distance_km", "name")),
        members=list(members),
        posts=posts,
    )


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def suggest_place(*, member, city: City, kind: str, data: dict) -> Club | Route:
    """Save a member's suggested club or route, waiting for an editor (PENDING)."""
    if kind not in PLACE_FIELDS:
        raise ValueError(f"Unknown kind of place: {kind!r}.")
    check_rate("suggestion", who=str(member.pk))
    model, fields = PLACE_FIELDS[kind]
    place = model(
        city=city,
        status=Status.PENDING,
        suggested_by=member,
        **{name: data[name] for name in fields if data.get(name) is not None},
    )
    place.full_clean()
    place.save()
    return place


@transaction.atomic
def create_post(*, author, city: City, title: str, text: str) -> PartnerPost:
    """Post a member's partner post in a city; a new member's first one waits for moderation,
    like comments and shares."""
    check_rate("post", who=str(author.pk))
    # The city page shows each author's display name; make sure there is one to show.
    get_profile(author)
    return PartnerPost.objects.create(
        city=city,
        author=author,
        title=title,
        text=text,
        status=initial_status(author=author, html=render_markdown(text, for_members=True)),
    )


@transaction.atomic
def update_post(*, post: PartnerPost, author, title: str, text: str) -> PartnerPost:
    """Change the title and text of your own partner post; adding links may send it back to
    moderation."""
    if post.author_id != author.pk:
        raise PermissionDenied
    post.title = title
    post.text = text
    fields = ["title", "text", "text_html"]
    if has_too_many_links(render_markdown(text, for_members=True)):
        post.status = Status.PENDING
        fields.append("status")
    post.save(update_fields=fields)
    return post


@transaction.atomic
def delete_post(*, post: PartnerPost, author) -> None:
    """Delete your own partner post and its replies."""
    if post.author_id != author.pk:
        raise PermissionDenied
    post.delete()
