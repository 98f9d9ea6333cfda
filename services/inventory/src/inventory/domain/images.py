"""Images the public catalogue keeps for a cooperative: what may be uploaded.

A cheap phone on a poor connection loads every photo, so an image is small (at most
``MAX_IMAGE_BYTES``) and of a type every browser and link preview shows. An SVG is a
document that could carry script: it is refused if it names one, and the service serves
every image with a policy that runs none (defence in depth, ``catalogue_pages``).
"""

from __future__ import annotations

import re

from inventory.domain.errors import ImageTooLarge, UnsupportedImage

__all__ = ["IMAGE_TYPES", "MAX_IMAGE_BYTES", "check_image"]

MAX_IMAGE_BYTES = 300 * 1024
IMAGE_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n",
               "image/webp": b"RIFF", "image/svg+xml": b""}
_SVG_ACTIVE = re.compile(rb"<script|javascript:|<foreignObject|\son[a-z]+\s*=", re.IGNORECASE)


def check_image(content_type: str, body: bytes) -> str:
    """The media type to serve ``body`` with, once it is one the catalogue keeps."""
    media = content_type.split(";")[0].strip().lower()
    if media not in IMAGE_TYPES:
        raise UnsupportedImage(f"An image is JPEG, PNG, WebP or SVG; this is {media or 'untyped'}.")
    if not body:
        raise UnsupportedImage("The image is empty.")
    if len(body) > MAX_IMAGE_BYTES:
        raise ImageTooLarge(f"An image is at most {MAX_IMAGE_BYTES // 1024} KiB; this is "
                            f"{len(body) // 1024} KiB.")
    if media == "image/svg+xml":
        head = body[:512].lstrip()
        if not (head.startswith(b"<svg") or head.startswith(b"<?xml")) or _SVG_ACTIVE.search(body):
            raise UnsupportedImage("An SVG is a plain <svg> drawing, without script or events.")
    elif not body.startswith(IMAGE_TYPES[media]):
        raise UnsupportedImage(f"The bytes are not a {media} image.")
    return media
