"""Photos from reporters: only real JPEG and PNG images, decoded and encoded again so that EXIF
(location, camera, time), XMP, ICC profiles, comments and anything appended to the file are gone.

Decoding is the costly part of a report, so it is kept small: the views count photos against a
rate limit before any is opened; a JPEG is decoded at a reduced scale (libjpeg's draft mode: a
48-megapixel phone photo costs about as much as a 3-megapixel one); a PNG, which cannot be decoded
at a smaller scale, has a lower pixel limit; and the stored photo is at most REPORT_PHOTO_MAX_SIDE
pixels on its long side."""

import io
import warnings

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG")


class PhotoError(ValueError):
    pass


def _open(data: bytes) -> Image.Image:
    """Open and decode, refusing anything but JPEG and PNG and anything with too many pixels
    before a single pixel is decoded."""
    image = Image.open(io.BytesIO(data), formats=FORMATS)
    pixels = image.width * image.height
    limit = (
        settings.REPORT_PNG_MAX_PIXELS
        if image.format == "PNG"
        else settings.REPORT_PHOTO_MAX_PIXELS
    )
    # A progressive JPEG keeps every coefficient of the whole image in memory, whatever the draft
    # scale (a 1.5 MB, 100-megapixel CMYK file took 860 MB): its limit counts samples, not pixels.
    progressive = image.format == "JPEG" and image.info.get("progressive")
    if pixels > limit or (
        progressive and pixels * len(image.getbands()) > settings.REPORT_PROGRESSIVE_MAX_SAMPLES
    ):
        raise Image.DecompressionBombError("too many pixels")
    side = settings.REPORT_PHOTO_MAX_SIDE
    if image.format == "JPEG":
        image.draft(
            "RGB", (side, side)
        )  # decode at 1/2, 1/4 or 1/8 scale when that is still large enough
    image.load()
    return image


def clean_photo(name: str, data: bytes) -> tuple[str, str, bytes]:
    """(file name, content type, bytes without metadata), or PhotoError with a Dutch message."""
    label = name or _("de foto")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = max(
                settings.REPORT_PHOTO_MAX_PIXELS, settings.REPORT_PNG_MAX_PIXELS
            )
            try:
                image = _open(data)
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(
            _(
                "%(name)s heeft te veel beeldpunten. Maak de foto kleiner of stuur een schermafbeelding."
            )
            % {"name": label}
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoError(
            _("%(name)s is geen JPEG- of PNG-foto, of het bestand is beschadigd.") % {"name": label}
        ) from error
    fmt = image.format
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = ImageOps.exif_transpose(image)  # keep it upright once the orientation tag is gone
    side = settings.REPORT_PHOTO_MAX_SIDE
    image.thumbnail((side, side))
    mode = "RGBA" if fmt == "PNG" and has_alpha else "RGB"
    # A new image receives the pixels only: no info dictionary, no EXIF, no ICC profile.
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, format="JPEG", quality=85)
        return "foto.jpg", "image/jpeg", out.getvalue()
    clean.save(out, format="PNG", compress_level=6)
    return "foto.png", "image/png", out.getvalue()
