from celery import shared_task

from . import services
from .models import Image


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_renditions(image_id: int) -> int:
    """Make an uploaded image's renditions; safe to run twice (it remakes them)."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:  # deleted before the worker got to it
        return 0
    return len(services.make_renditions(image=image))
