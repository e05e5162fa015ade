from django.core.management.base import BaseCommand

from articles.demo import load_demo_content
from community.demo import load_demo_community


class Command(BaseCommand):
    help = "Load the demo publication and community. Safe to rerun: it only adds what is missing."

    def handle(self, *args, **options):
        created = {**load_demo_content(), **load_demo_community()}
        if any(created.values()):
            summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {summary}."))
        else:
            self.stdout.write("Demo content already present; nothing changed.")
