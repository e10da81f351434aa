"""Images as the store API and the outbox payloads describe them."""
import logging

from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

logger = logging.getLogger(__name__)


def image_payload(image, rendition: str = "max-1600x1600") -> dict | None:
    """`{id, title, alt, url, width, height, original_url}`; the rendition is made on first use.

    An image whose file has gone missing still answers (without a rendition) rather than
    failing the whole page.
    """
    if image is None:
        return None
    payload = {
        "id": image.pk,
        "title": image.title,
        "alt": getattr(image, "default_alt_text", None) or image.title,
        "url": None,
        "width": None,
        "height": None,
        "original_url": image.file.url if image.file else None,
    }
    try:
        made = image.get_rendition(rendition)
    except (SourceImageIOError, InvalidFilterSpecError, OSError) as exc:
        logger.warning("no rendition %s of image %s: %s", rendition, image.pk, exc)
        return payload
    payload.update(url=made.url, width=made.width, height=made.height)
    return payload


def image_reference(image) -> dict | None:
    """The light form used in outbox payloads: no rendition is generated inside a save."""
    if image is None:
        return None
    return {"id": image.pk, "title": image.title, "url": image.file.url if image.file else None}
