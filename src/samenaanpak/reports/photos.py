"""Photos from reporters: only real JPEG and PNG images, decoded and encoded again so that EXIF
(location, camera, time), XMP, ICC profiles, comments and anything appended to the file are gone."""

import io
import warnings

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError


class PhotoError(ValueError):
    pass


def clean_photo(name: str, data: bytes) -> tuple[str, str, bytes]:
    """(file name, content type, bytes without metadata), or PhotoError with a Dutch message."""
    label = name or _("de foto")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, settings.REPORT_PHOTO_MAX_PIXELS
            try:
                image = Image.open(io.BytesIO(data))
                if image.format not in ("JPEG", "PNG"):
                    raise PhotoError(_("%(name)s is geen JPEG- of PNG-foto.") % {"name": label})
                if image.width * image.height > settings.REPORT_PHOTO_MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.load()
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(_("%(name)s heeft te veel beeldpunten. Maak de foto kleiner (hoogstens 40 megapixel).")
                         % {"name": label}) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoError(_("%(name)s is geen JPEG- of PNG-foto, of het bestand is beschadigd.") % {"name": label}) \
            from error
    fmt = image.format
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = ImageOps.exif_transpose(image)  # keep it upright once the orientation tag is gone
    mode = "RGBA" if fmt == "PNG" and has_alpha else "RGB"
    # A new image receives the pixels only: no info dictionary, no EXIF, no ICC profile.
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, format="JPEG", quality=85, optimize=True)
        return "foto.jpg", "image/jpeg", out.getvalue()
    clean.save(out, format="PNG", optimize=True)
    return "foto.png", "image/png", out.getvalue()
