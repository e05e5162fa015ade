import pytest
from PIL import Image as PILImage

from articles import services
from tests.articles.factories import ImageFactory
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def test_an_uploaded_image_gets_its_renditions_from_a_real_worker(celery_worker_process):
    image = ImageFactory()

    services.queue_renditions(image=image)  # committed at once: no transaction is open

    wait_for(lambda: image.renditions.count() == 6, what="six renditions")
    assert celery_worker_process.poll() is None, "the worker died"
    webp = image.renditions.get(width=400, format="webp")
    with PILImage.open(webp.file.path) as picture:
        assert picture.format == "WEBP"
        assert picture.size == (400, 267)
