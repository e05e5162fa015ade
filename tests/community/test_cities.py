from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Club, PartnerPost, Route, Status
from community.services.cities import list_cities
from tests.community.factories import (
    CityFactory,
    ClubFactory,
    CommentFactory,
    MemberFactory,
    PartnerPostFactory,
    RouteFactory,
    ShareFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
# An anonymous city page: city, clubs, routes, findable members, post count, a page of posts.
CITY_PAGE_QUERIES = 6


# --- Helpers -----------------------------------------------------------------------------------


def route_suggestion(**fields) -> dict:
    data = {
        "kind": "route",
        "name": "River path",
        "description": "Flat gravel along the river, quiet early on.",
        "distance_km": "4.2",
        "surface": "Gravel",
        "start_point": "The old bridge",
    }
    data.update(fields)
    return data


# --- City list ---------------------------------------------------------------------------------


def test_city_list_shows_each_city_with_counts_of_approved_clubs_routes_and_posts(
    client, member, django_assert_num_queries
):
    leeds, york = CityFactory(name="Leeds"), CityFactory(name="York", region="England")
    ClubFactory(city=leeds)
    ClubFactory(city=leeds, name="Pending club", status=Status.PENDING)
    RouteFactory(city=leeds)
    RouteFactory(city=leeds, name="Second loop")
    RouteFactory(city=leeds, name="Rejected loop", status=Status.REJECTED)
    PartnerPostFactory(city=leeds, author=member)
    PartnerPostFactory(city=leeds, author=member, title="Hidden", status=Status.SPAM)

    with django_assert_num_queries(1):
        counts = {c.name: (c.club_count, c.route_count, c.post_count) for c in list_cities()}
    response = client.get(reverse("community:city-list"))

    assert counts == {"Leeds": (1, 2, 1), "York": (0, 0, 0)}
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 club · 2 routes · 1 partner post" in " ".join(html.split())
    assert york.get_absolute_url() in html


def test_city_list_asks_a_member_without_a_city_to_set_theirs(client, member):
    CityFactory(name="Leeds")
    client.force_login(member)

    response = client.get(reverse("community:city-list"))

    assert "Set your city on your profile" in response.content.decode()
    assert f'href="{reverse("profile")}"' in response.content.decode()


def test_city_list_without_cities_has_an_empty_state_written_for_people(client):
    response = client.get(reverse("community:city-list"))

    assert "No city hubs yet" in response.content.decode()


# --- City page ---------------------------------------------------------------------------------


def test_city_page_shows_approved_clubs_and_routes_but_not_pending_or_rejected_suggestions(
    client, member
):
    city = CityFactory(name="Leeds", intro="Hills, but gentle ones.")
    ClubFactory(city=city, name="Approved Striders")
    ClubFactory(city=city, name="Pending Plodders", status=Status.PENDING, suggested_by=member)
    RouteFactory(city=city, name="Approved canal loop")
    RouteFactory(city=city, name="Rejected ring road", status=Status.REJECTED, suggested_by=member)
    RouteFactory(city=city, name="Spam route", status=Status.SPAM)

    html = client.get(city.get_absolute_url()).content.decode()

    assert "Hills, but gentle ones." in html
    assert "Approved Striders" in html
    assert "Approved canal loop" in html
    for hidden in ("Pending Plodders", "Rejected ring road", "Spam route"):
        assert hidden not in html


def test_city_page_without_clubs_or_routes_invites_a_suggestion(client, member):
    city = CityFactory(name="Leeds")
    client.force_login(member)

    html = client.get(city.get_absolute_url()).content.decode()

    assert "No clubs listed yet — know one?" in html
    assert reverse("community:suggestion-create", kwargs={"slug": city.slug}) in html


def test_findable_members_are_shown_by_display_name_only_and_never_by_email(client):
    city = CityFactory(name="Leeds")
    runner = MemberFactory(
        username="ayo",
        profile__city=city,
        profile__is_findable=True,
        profile__display_name="Ayo R.",
    )

    html = client.get(city.get_absolute_url()).content.decode()

    assert "Ayo R." in html
    assert runner.profile.get_absolute_url() in html
    assert "ayo@example.com" not in html
    assert "@example.com" not in html


def test_members_who_did_not_opt_in_or_live_elsewhere_are_not_shown(client):
    city, york = CityFactory(name="Leeds"), CityFactory(name="York")
    MemberFactory(
        username="quiet",
        profile__city=city,
        profile__is_findable=False,
        profile__display_name="Quiet Quinn",
    )
    MemberFactory(
        username="away",
        profile__city=york,
        profile__is_findable=True,
        profile__display_name="Away Avery",
    )

    html = client.get(city.get_absolute_url()).content.decode()

    assert "Quiet Quinn" not in html
    assert "Away Avery" not in html
    assert "Nobody here has chosen to be found yet." in html


def test_unknown_city_answers_404(client):
    assert (
        client.get(reverse("community:city-detail", kwargs={"slug": "atlantis"})).status_code == 404
    )


def test_anonymous_reader_sees_a_sign_in_call_instead_of_the_post_form(client):
    city = CityFactory(name="Leeds")

    html = client.get(city.get_absolute_url()).content.decode()

    assert f"{reverse('account_login')}?next={city.get_absolute_url()}" in html
    assert reverse("community:post-create", kwargs={"slug": city.slug}) not in html


def test_city_page_paginates_partner_posts_ten_a_page(client, member):
    city = CityFactory(name="Leeds")
    for number in range(12):
        PartnerPostFactory(city=city, author=member, title=f"Partner post number {number:02d}")

    first = client.get(city.get_absolute_url()).content.decode()
    second = client.get(city.get_absolute_url() + "?page=2").content.decode()

    assert "Partner post number 11" in first and "Partner post number 02" in first
    assert "Partner post number 01" not in first
    assert "Partner post number 01" in second and "Partner post number 00" in second


def test_city_page_takes_the_same_number_of_queries_with_1_and_15_posts(
    client, member, django_assert_num_queries
):
    city = CityFactory(name="Leeds")
    ClubFactory(city=city)
    RouteFactory(city=city)
    MemberFactory(username="ayo", profile__city=city, profile__is_findable=True)
    post = PartnerPostFactory(city=city, author=member)
    CommentFactory(partner_post=post, author=member, body="Me too!", status=Status.APPROVED)
    with django_assert_num_queries(CITY_PAGE_QUERIES):
        assert client.get(city.get_absolute_url()).status_code == 200

    for number in range(14):
        author = MemberFactory(
            username=f"runner{number}", profile__city=city, profile__is_findable=True
        )
        post = PartnerPostFactory(city=city, author=author, title=f"Post {number}")
        CommentFactory(partner_post=post, author=member, body="Hi", status=Status.APPROVED)
        ClubFactory(city=city, name=f"Club {number}")
        RouteFactory(city=city, name=f"Route {number}")

    with django_assert_num_queries(CITY_PAGE_QUERIES):
        response = client.get(city.get_absolute_url())
    assert response.context["page_obj"][0].comment_count == 1


def test_city_page_queries_do_not_grow_with_posts_for_a_signed_in_member(client, member):
    city = CityFactory(name="Leeds")
    PartnerPostFactory(city=city, author=member)
    client.force_login(member)
    with CaptureQueriesContext(connection) as few:
        client.get(city.get_absolute_url())
    for number in range(14):
        PartnerPostFactory(
            city=city, author=MemberFactory(username=f"runner{number}"), title=f"Post {number}"
        )

    with CaptureQueriesContext(connection) as many:
        client.get(city.get_absolute_url())

    assert len(many) == len(few)


# --- Suggestions -------------------------------------------------------------------------------


def test_member_can_suggest_a_route_which_waits_for_moderation(client, member, human):
    city = CityFactory(name="Leeds")
    client.force_login(member)
    url = reverse("community:suggestion-create", kwargs={"slug": city.slug})

    response = client.post(url, {**route_suggestion(), **human}, follow=True)

    route = Route.objects.get()
    assert (route.city, route.status, route.suggested_by) == (city, Status.PENDING, member)
    assert route.distance_km == Decimal("4.2")
    assert route.start_point == "The old bridge"
    assert response.redirect_chain[-1][0] == city.get_absolute_url()
    html = response.content.decode()
    assert "Thanks — an editor will check it before it appears" in html
    assert "River path" not in html
    assert not Club.objects.exists()


def test_member_can_suggest_a_club_with_its_website(client, member, human):
    city = CityFactory(name="Leeds")
    client.force_login(member)
    data = {
        "kind": "club",
        "name": "Sunrise Joggers",
        "description": "Run-walk groups, nobody left behind.",
        "meets": "Sundays 8:00 at the park gate",
        "club_website": "https://sunrise.example.org",
        "distance_km": "7",  # belongs to routes; ignored for a club
    }

    response = client.post(
        reverse("community:suggestion-create", kwargs={"slug": city.slug}), {**data, **human}
    )

    assert response.status_code == 302
    club = Club.objects.get()
    assert (club.status, club.suggested_by, club.website) == (
        Status.PENDING,
        member,
        "https://sunrise.example.org",
    )
    assert not Route.objects.exists()


def test_route_suggestion_without_a_distance_keeps_the_text_and_saves_nothing(
    client, member, human
):
    city = CityFactory(name="Leeds")
    client.force_login(member)

    response = client.post(
        reverse("community:suggestion-create", kwargs={"slug": city.slug}),
        {**route_suggestion(distance_km=""), **human},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Add the distance in kilometres" in html
    assert "Flat gravel along the river, quiet early on." in html
    assert 'value="River path"' in html
    assert not Route.objects.exists() and not Club.objects.exists()


@pytest.mark.parametrize(
    ("distance", "message"),
    [("0.2", "at least 0.5 km"), ("80", "Routes up to 50 km"), ("far", "as a number")],
)
def test_route_suggestion_with_an_unlikely_distance_is_refused_clearly(
    client, member, human, distance, message
):
    city = CityFactory(name="Leeds")
    client.force_login(member)

    response = client.post(
        reverse("community:suggestion-create", kwargs={"slug": city.slug}),
        {**route_suggestion(distance_km=distance), **human},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Route.objects.exists()


def test_club_suggestion_without_a_meeting_time_or_kind_is_refused_clearly(client, member, human):
    city = CityFactory(name="Leeds")
    client.force_login(member)
    url = reverse("community:suggestion-create", kwargs={"slug": city.slug})

    no_meets = client.post(
        url, {"kind": "club", "name": "Striders", "description": "Kind", **human}
    )
    no_kind = client.post(url, {"name": "Striders", "description": "Kind", **human})

    assert "Say when and where the club meets" in no_meets.content.decode()
    assert "Choose whether this is a club or a route." in no_kind.content.decode()
    assert 'value="Striders"' in no_kind.content.decode()
    assert not Club.objects.exists()


def test_suggestion_with_the_honeypot_filled_keeps_the_text_and_saves_nothing(
    client, member, human
):
    city = CityFactory(name="Leeds")
    client.force_login(member)

    response = client.post(
        reverse("community:suggestion-create", kwargs={"slug": city.slug}),
        {**route_suggestion(), **human, "website": "http://spam.example"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "quicker than a person can type" in html
    assert "Flat gravel along the river, quiet early on." in html
    assert not Route.objects.exists()


def test_rate_limited_suggestion_keeps_the_text_with_429(client, member, human, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "suggestion": (1, 3600)}
    city = CityFactory(name="Leeds")
    client.force_login(member)
    url = reverse("community:suggestion-create", kwargs={"slug": city.slug})
    client.post(url, {**route_suggestion(), **human})

    response = client.post(url, {**route_suggestion(name="Second path"), **human})

    assert response.status_code == 429
    assert "You have reached the limit" in response.content.decode()
    assert 'value="Second path"' in response.content.decode()
    assert Route.objects.count() == 1


def test_script_in_an_approved_suggestion_is_inert_on_the_city_page(client, member, human):
    city = CityFactory(name="Leeds")
    client.force_login(member)
    client.post(
        reverse("community:suggestion-create", kwargs={"slug": city.slug}),
        {**route_suggestion(name=SCRIPT, description=SCRIPT, surface=SCRIPT), **human},
    )
    Route.objects.update(status=Status.APPROVED)

    html = client.get(city.get_absolute_url()).content.decode()

    assert "<script" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


# --- Partner posts -----------------------------------------------------------------------------


def test_a_trusted_member_creates_a_partner_post_and_it_is_live(client, member, human):
    city = CityFactory(name="Leeds")
    ShareFactory(author=member, text="My first 5K.", status=Status.APPROVED)
    client.force_login(member)

    response = client.post(
        reverse("community:post-create", kwargs={"slug": city.slug}),
        {"title": "Slow Saturday 5K?", "text": "Around 8 min/km, Roundhay Park.", **human},
        follow=True,
    )

    post = PartnerPost.objects.get()
    assert (post.city, post.author, post.status) == (city, member, Status.APPROVED)
    assert response.redirect_chain[-1][0] == post.get_absolute_url()
    html = response.content.decode()
    assert "Your post is up." in html
    assert "Around 8 min/km, Roundhay Park." in html
    assert "Slow Saturday 5K?" in client.get(city.get_absolute_url()).content.decode()


def test_a_new_members_first_partner_post_waits_for_moderation_like_a_first_comment(
    client, member, human
):
    city = CityFactory(name="Leeds")
    client.force_login(member)
    links = " ".join(f"[shop {n}](https://shop{n}.example)" for n in range(6))

    response = client.post(
        reverse("community:post-create", kwargs={"slug": city.slug}),
        {"title": "Cheap shoes", "text": f"Partners wanted. {links}", **human},
        follow=True,
    )

    post = PartnerPost.objects.get()
    assert post.status == Status.PENDING
    html = response.content.decode()
    assert "an editor will look at it before it appears" in html
    assert "Your post is up." not in html
    assert "Only you can see this post" in html
    assert "Cheap shoes" not in client.get(city.get_absolute_url()).content.decode()
    client.force_login(MemberFactory(username="otto"))
    assert client.get(post.get_absolute_url()).status_code == 404


def test_a_partner_post_with_two_links_waits_even_from_a_trusted_member(client, member, human):
    city = CityFactory(name="Leeds")
    ShareFactory(author=member, text="My first 5K.", status=Status.APPROVED)
    client.force_login(member)
    text = "Route: [a](https://a.example), club: [b](https://b.example)"

    client.post(
        reverse("community:post-create", kwargs={"slug": city.slug}),
        {"title": "Sunday long run", "text": text, **human},
    )

    assert PartnerPost.objects.get().status == Status.PENDING


def test_editing_a_live_partner_post_to_carry_two_links_sends_it_back_to_moderation(
    client, member, human
):
    post = PartnerPostFactory(city=CityFactory(name="Leeds"), author=member)
    client.force_login(member)

    client.post(
        reverse("community:post-update", kwargs={"pk": post.pk}),
        {"title": post.title, "text": "[a](https://a.example) [b](https://b.example)", **human},
    )

    post.refresh_from_db()
    assert post.status == Status.PENDING


def test_partner_post_without_a_title_keeps_the_text_and_saves_nothing(client, member, human):
    city = CityFactory(name="Leeds")
    client.force_login(member)

    response = client.post(
        reverse("community:post-create", kwargs={"slug": city.slug}),
        {"title": "   ", "text": "Sunday mornings, any pace.", **human},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Give your post a short title" in html
    assert "Sunday mornings, any pace." in html
    assert not PartnerPost.objects.exists()


def test_rate_limited_partner_post_keeps_the_text_with_429(client, member, human, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": (1, 3600)}
    city = CityFactory(name="Leeds")
    client.force_login(member)
    url = reverse("community:post-create", kwargs={"slug": city.slug})
    client.post(url, {"title": "First", "text": "One", **human})

    response = client.post(url, {"title": "Second try", "text": "Tuesday intervals?", **human})

    assert response.status_code == 429
    html = response.content.decode()
    assert "You have reached the limit" in html
    assert 'value="Second try"' in html
    assert "Tuesday intervals?" in html
    assert PartnerPost.objects.count() == 1


def test_partner_post_page_shows_replies_and_offers_edit_only_to_its_author(client, member):
    city = CityFactory(name="Leeds")
    post = PartnerPostFactory(city=city, author=member)
    other = MemberFactory(username="otto")
    CommentFactory(partner_post=post, author=other, body="Count me in!", status=Status.APPROVED)
    edit_url = reverse("community:post-update", kwargs={"pk": post.pk})

    client.force_login(member)
    as_author = client.get(post.get_absolute_url()).content.decode()
    client.force_login(other)
    as_other = client.get(post.get_absolute_url()).content.decode()

    assert "Count me in!" in as_author
    assert edit_url in as_author
    assert edit_url not in as_other
    assert "Count me in!" in as_other


def test_hidden_partner_post_answers_404_to_others(client, member):
    post = PartnerPostFactory(city=CityFactory(name="Leeds"), author=member, status=Status.REJECTED)

    client.force_login(MemberFactory(username="otto"))

    assert client.get(post.get_absolute_url()).status_code == 404


def test_author_can_update_their_partner_post(client, member, human):
    post = PartnerPostFactory(city=CityFactory(name="Leeds"), author=member)
    client.force_login(member)
    url = reverse("community:post-update", kwargs={"pk": post.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Now Sundays", "text": "Sunday **8:00**.", **human})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Now Sundays"
    assert "<strong>8:00</strong>" in post.text_html


def test_update_with_empty_text_keeps_the_title_and_changes_nothing(client, member, human):
    post = PartnerPostFactory(city=CityFactory(name="Leeds"), author=member, text="Original text")
    client.force_login(member)

    response = client.post(
        reverse("community:post-update", kwargs={"pk": post.pk}),
        {"title": "A new title", "text": "", **human},
    )

    assert response.status_code == 400
    assert "Write a few words about the runs you have in mind." in response.content.decode()
    assert 'value="A new title"' in response.content.decode()
    post.refresh_from_db()
    assert (post.title, post.text) == ("Slow Saturday 5K partner?", "Original text")


def test_author_can_delete_their_partner_post_after_confirming(client, member):
    city = CityFactory(name="Leeds")
    post = PartnerPostFactory(city=city, author=member)
    client.force_login(member)
    url = reverse("community:post-delete", kwargs={"pk": post.pk})

    confirm = client.get(url)
    response = client.post(url, follow=True)

    assert "Delete your post?" in confirm.content.decode()
    assert PartnerPost.objects.filter(pk=post.pk).exists() is False
    assert response.redirect_chain[-1][0] == city.get_absolute_url()
    assert "Your post was deleted." in response.content.decode()


@pytest.mark.parametrize("name", ["community:post-update", "community:post-delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_updating_or_deleting_another_members_post_answers_404(client, member, human, name, method):
    post = PartnerPostFactory(city=CityFactory(name="Leeds"), author=member)
    client.force_login(MemberFactory(username="otto"))

    response = getattr(client, method)(
        reverse(name, kwargs={"pk": post.pk}), {"title": "Mine now", "text": "Hijacked", **human}
    )

    assert response.status_code == 404
    post.refresh_from_db()
    assert post.title == "Slow Saturday 5K partner?"


@pytest.mark.parametrize(
    "name", ["community:post-create", "community:suggestion-create", "post-update", "post-delete"]
)
def test_anonymous_post_redirects_to_log_in_and_saves_nothing(client, member, human, name):
    city = CityFactory(name="Leeds")
    post = PartnerPostFactory(city=city, author=member)
    if name.startswith("community:"):
        url = reverse(name, kwargs={"slug": city.slug})
    else:
        url = reverse(f"community:{name}", kwargs={"pk": post.pk})

    response = client.post(
        url, {**route_suggestion(), "title": "Anonymous", "text": "Anonymous", **human}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")
    assert list(PartnerPost.objects.values_list("title", flat=True)) == [post.title]
    assert not Route.objects.exists()


def test_script_in_a_partner_post_is_inert_on_the_city_page_and_the_post_page(
    client, member, human
):
    city = CityFactory(name="Leeds")
    ShareFactory(author=member, text="My first 5K.", status=Status.APPROVED)
    client.force_login(member)
    client.post(
        reverse("community:post-create", kwargs={"slug": city.slug}),
        {"title": SCRIPT[:120], "text": SCRIPT, **human},
    )
    post = PartnerPost.objects.get()

    for url in (
        city.get_absolute_url(),
        post.get_absolute_url(),
        reverse("community:post-update", kwargs={"pk": post.pk}),
        reverse("community:post-delete", kwargs={"pk": post.pk}),
    ):
        html = client.get(url).content.decode()
        assert "<script" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_script_in_a_display_name_is_inert_on_the_city_page(client):
    city = CityFactory(name="Leeds")
    author = MemberFactory(
        username="eve",
        profile__city=city,
        profile__is_findable=True,
        profile__display_name=SCRIPT[:60],
    )
    PartnerPostFactory(city=city, author=author)

    html = client.get(city.get_absolute_url()).content.decode()

    assert "<script" not in html
    assert "&lt;script&gt;" in html
