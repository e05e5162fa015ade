"""Demo members, shares, cheers, comments and city hubs, so the community pages are alive on
`make run`. Idempotent like the articles' demo: rows are found by natural keys and only missing
ones are created. Demo members cannot sign in (no usable password)."""

from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.models import Article

from .models import (
    Cheer,
    City,
    Club,
    Comment,
    Goal,
    GoalUpdate,
    PartnerPost,
    Profile,
    Route,
    Share,
    Status,
)

CITIES = [
    {
        "slug": "sacramento",
        "name": "Sacramento",
        "region": "California, USA",
        "intro": "Flat river paths, early light and plenty of shade along the American River.",
        "clubs": [
            (
                "River Walk-Jog Crew",
                "A no-drop group that alternates walking and jogging.",
                "Saturdays 8:00 at Discovery Park",
            ),
            (
                "Midtown Morning Miles",
                "Coffee after, all paces welcome, beginners paired with a buddy.",
                "Tuesdays and Thursdays 6:30",
            ),
        ],
        "routes": [
            (
                "Discovery Park loop",
                "Shaded, flat and paved, with toilets at the start.",
                "3.2",
                "Paved",
            ),
            (
                "Capitol Mall and back",
                "Wide sidewalks, traffic lights to rest at, a gentle first 5K.",
                "5.0",
                "Paved",
            ),
        ],
    },
    {
        "slug": "leeds",
        "name": "Leeds",
        "region": "England, UK",
        "intro": "Canal towpaths, parks with gentle hills and a friendly parkrun scene.",
        "clubs": [
            (
                "Kirkstall Canal Joggers",
                "Run-walk sessions on the towpath; nobody is left behind.",
                "Sundays 9:00 at Kirkstall Abbey",
            ),
        ],
        "routes": [
            (
                "Roundhay Park lakes",
                "Two lakes, a café, and one hill you can walk.",
                "4.5",
                "Paved and gravel",
            ),
            (
                "Leeds–Liverpool canal towpath",
                "Flat and traffic-free; turn back whenever you like.",
                "6.0",
                "Gravel",
            ),
        ],
    },
]

MEMBERS = [
    {
        "username": "demo-ines",
        "name": "Inés M.",
        "city": "sacramento",
        "bio": "Run-walker since spring. Sunrise person now, apparently.",
    },
    {
        "username": "demo-olu",
        "name": "Olu A.",
        "city": "leeds",
        "bio": "Parent of two, runs the canal before school.",
    },
    {
        "username": "demo-grace",
        "name": "Grace T.",
        "city": "sacramento",
        "bio": "Back to running after a long break.",
    },
    {
        "username": "demo-sam",
        "name": "Sam K.",
        "city": "leeds",
        "bio": "Slow and steady. Very slow. Very steady.",
    },
]

SHARES = [
    (
        "demo-ines",
        Share.Kind.MILESTONE,
        "Finished week four of the run-walk plan without stopping early. Two minutes of jogging felt *possible* today!",
        "3.1",
        30,
    ),
    (
        "demo-olu",
        Share.Kind.RITUAL,
        "Shoes by the door, kettle on a timer, out for twenty minutes before the kids wake up. Journal note after: one line, how I felt.",
        None,
        20,
    ),
    (
        "demo-grace",
        Share.Kind.WIN,
        "Climbed the stairs at work without getting out of breath. Six weeks ago that was not true.",
        None,
        None,
    ),
    (
        "demo-sam",
        Share.Kind.WIN,
        "First 5K, all of it jogged, slowest finisher and happiest person at the park.",
        "5.0",
        41,
    ),
    (
        "demo-ines",
        Share.Kind.RITUAL,
        "Sunday evening: pick the three mornings for next week's runs and put them in the calendar like meetings.",
        None,
        None,
    ),
    (
        "demo-olu",
        Share.Kind.MILESTONE,
        "Slept through the night three days in a row after evening jogs. Small thing, big difference.",
        "4.0",
        28,
    ),
]

COMMENTS = [
    (
        "demo-grace",
        "That post-run calm is real for me too. I notice it most on days I almost skipped.",
        ["demo-olu", "Same here — the almost-skipped runs are often the best ones."],
    ),
    (
        "demo-sam",
        "Started with the 60/90 intervals last month. Week three was the hardest, then it clicked.",
        ["demo-ines", "Week three was my wobble week too. Keep going!"],
    ),
    (
        "demo-ines",
        "Would love a note on running when it's hot — early mornings only here in summer.",
        None,
    ),
]


@transaction.atomic
def load_demo_community() -> dict[str, int]:
    """Create whatever demo community rows are missing; return how many of each were created."""
    created = dict.fromkeys(["cities", "members", "shares", "cheers", "comments", "posts"], 0)
    cities = {}
    for data in CITIES:
        city, new = City.objects.get_or_create(
            slug=data["slug"],
            defaults={"name": data["name"], "region": data["region"], "intro": data["intro"]},
        )
        cities[city.slug] = city
        created["cities"] += new
        if new:
            for name, description, meets in data["clubs"]:
                Club.objects.create(city=city, name=name, description=description, meets=meets)
            for name, description, distance, surface in data["routes"]:
                Route.objects.create(
                    city=city,
                    name=name,
                    description=description,
                    distance_km=Decimal(distance),
                    surface=surface,
                )

    members = {}
    for data in MEMBERS:
        user, new = get_user_model().objects.get_or_create(
            username=data["username"], defaults={"email": f"{data['username']}@example.com"}
        )
        if new:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            Profile.objects.create(
                user=user,
                display_name=data["name"],
                city=cities[data["city"]],
                bio=data["bio"],
                show_city=True,
                is_findable=True,
            )
            created["members"] += 1
        members[data["username"]] = user

    now = timezone.now()
    shares = []
    for age, (username, kind, text, distance, minutes) in enumerate(SHARES):
        share = Share.objects.filter(author=members[username], text=text).first()
        if share is None:
            share = Share.objects.create(
                author=members[username],
                kind=kind,
                text=text,
                status=Status.APPROVED,
                city=members[username].profile.city,
                distance_km=Decimal(distance) if distance else None,
                duration=timedelta(minutes=minutes) if minutes else None,
            )
            Share.objects.filter(pk=share.pk).update(created_at=now - timedelta(hours=7 * age + 2))
            created["shares"] += 1
        shares.append(share)
    for i, share in enumerate(shares):
        for member in list(members.values())[: (i % 4) + 1]:
            if member != share.author:
                _, new = Cheer.objects.get_or_create(share=share, member=member)
                created["cheers"] += new

    articles = list(Article.objects.published().exclude(kind=Article.Kind.STORY)[:3])
    for article, (username, body, reply) in zip(articles, COMMENTS, strict=False):
        comment, new = Comment.objects.get_or_create(
            article=article,
            author=members[username],
            body=body,
            defaults={"status": Status.APPROVED, "created_at": now - timedelta(hours=30)},
        )
        created["comments"] += new
        if reply:
            _, new = Comment.objects.get_or_create(
                article=article,
                parent=comment,
                author=members[reply[0]],
                body=reply[1],
                defaults={"status": Status.APPROVED, "created_at": now - timedelta(hours=20)},
            )
            created["comments"] += new

    post, new = PartnerPost.objects.get_or_create(
        city=cities["leeds"],
        author=members["demo-sam"],
        title="Looking for a slow Saturday 5K partner",
        defaults={"text": "Around 7:30 min/km, Roundhay Park, chatting pace. Walk breaks welcome!"},
    )
    created["posts"] += new
    if new:
        Comment.objects.create(
            partner_post=post,
            author=members["demo-olu"],
            status=Status.APPROVED,
            body="I'm in most Saturdays after 9 — my pace is the same, walk breaks included.",
        )

    goal_owner = members["demo-ines"]
    if not Goal.objects.filter(member=goal_owner).exists():
        goal = Goal.objects.create(
            member=goal_owner,
            preset=Goal.Preset.FEEL_GOOD_5K,
            title="A feel-good 5K",
            why="To feel strong, not fast.",
            target_on=timezone.localdate() + timedelta(days=90),
        )
        first = timezone.localdate().replace(day=1)
        for months_back, (mood, sleep, note) in enumerate(
            [
                (4, 4, "Week four done!"),
                (3, 3, "Two runs a week, tired but ok."),
                (2, 3, "Started."),
            ]
        ):
            year, month_index = divmod(first.year * 12 + first.month - 1 - months_back, 12)
            month = date(year, month_index + 1, 1)
            GoalUpdate.objects.create(goal=goal, month=month, note=note, mood=mood, sleep=sleep)
    return created
