"""What the signatures look like on the page (Decree 30, Phụ lục I, II.7.d and II.8).

- The signer's signature image (blue, transparent PNG) centred between the title lines and
  the name of the signature block (ô 7c).
- The agency's seal image (red, real size, transparent PNG) over the left third of the
  signature image (ô 8).
- An attachment in its own file: the agency's signature at the top right of page 1, no
  image, the text ``Số và ký hiệu; date; hh:mm:ss`` (Vietnam's time, ISO 8601), Times New
  Roman 10 pt, black.

Images keep their colours and their real size: the PNG's resolution (pHYs, ``dpi``) gives
millimetres; an image without one is taken at :data:`DEFAULT_DPI`. No frame, full opacity.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from letter_gen import vn
from letter_gen.i18n import _
from letter_gen.signing.errors import ImageError, SigningError
from letter_gen.signing.placement import Box, SignatureBlock

#: Resolution assumed for a PNG that does not record one: Windows' and Word's default,
#: what most signature-capture and scanning tools write when they write nothing.
DEFAULT_DPI = 96.0
POINTS_PER_INCH = 72.0
MM_PER_POINT = 25.4 / 72
#: Times New Roman where it is installed, else Liberation Serif (the same metrics).
SERIF_FONTS = (
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
    "/usr/share/fonts/truetype/msttcorefonts/times.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)
#: Where the attachment's text line sits: its right edge at the right margin (15 mm), its
#: top 8 mm below the top of the page, in the top margin above the header.
ATTACHMENT_RIGHT_MM = 15.0
ATTACHMENT_TOP_MM = 8.0
ATTACHMENT_FONT_SIZE = 10


@dataclass(frozen=True)
class Picture:
    """A transparent PNG and the size it prints at, in points."""

    path: Path
    image: Any  # a Pillow image, RGBA or LA
    width: float
    height: float
    dpi: float
    dpi_recorded: bool

    @property
    def size_mm(self) -> tuple[float, float]:
        return self.width * MM_PER_POINT, self.height * MM_PER_POINT


def load_picture(path: Path, what: str) -> Picture:
    """Open a signature or seal image: a PNG with a transparent background, at its real size."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            fmt = opened.format
            info = dict(opened.info)
            opened.load()
            image = opened.copy()
    except (OSError, UnidentifiedImageError) as err:
        raise ImageError(_("{path}: the {what} could not be read as an image ({err})").format(path=path, what=what, err=err)) from err
    if fmt != "PNG":
        raise ImageError(_("{path}: the {what} must be a PNG with a transparent background (this is {fmt})").format(
            path=path, what=what, fmt=fmt))
    if image.mode == "P" and "transparency" in info or image.mode in ("RGB", "L") and "transparency" in info:
        image = image.convert("RGBA")
    elif image.mode == "P":
        image = image.convert("RGB")
    if image.mode not in ("RGBA", "LA"):
        raise ImageError(_(
            "{path}: the {what} has no transparent background; the decree asks for a PNG with a transparent background"
            " (save it from your image editor with transparency)").format(path=path, what=what))
    extrema: Any = image.getextrema()
    if extrema[-1][1] == 0:
        raise ImageError(_("{path}: the {what} is fully transparent: there is nothing to show").format(path=path, what=what))
    dpi_info: Any = info.get("dpi") or (0, 0)
    recorded = float(dpi_info[0]) > 1 and float(dpi_info[1]) > 1
    dpi_x, dpi_y = (float(dpi_info[0]), float(dpi_info[1])) if recorded else (DEFAULT_DPI, DEFAULT_DPI)
    return Picture(
        path, image, image.width * POINTS_PER_INCH / dpi_x, image.height * POINTS_PER_INCH / dpi_y,
        dpi_x, recorded,
    )


def signature_box(block: SignatureBlock, picture: Picture) -> Box:
    """The signature image's box: centred on the block's centre line, and centred vertically
    in the room between the last title line and the name."""
    gap = block.gap
    cx, cy = block.centre_x, (gap.y0 + gap.y1) / 2
    return Box(cx - picture.width / 2, cy - picture.height / 2, cx + picture.width / 2, cy + picture.height / 2)


def seal_box(signature: Box, picture: Picture) -> Box:
    """The seal's box: at its real size, level with the signature image's centre, its right
    edge one third into the signature image, so it covers the image's left third."""
    right = signature.x0 + signature.width / 3
    cy = signature.centre[1]
    return Box(right - picture.width, cy - picture.height / 2, right, cy + picture.height / 2)


def attachment_box(page_width: float, page_height: float, text_width: float) -> Box:
    """Top right of page 1 for the attachment's signature text line."""
    right = page_width - ATTACHMENT_RIGHT_MM / MM_PER_POINT
    top = page_height - ATTACHMENT_TOP_MM / MM_PER_POINT
    height = ATTACHMENT_FONT_SIZE * 1.6
    return Box(right - text_width, top - height, right, top)


def attachment_text(number: str, when: datetime) -> str:
    """``05/SKHCN-TTr; 2021-03-05; 14:03:22+07:00``: số và ký hiệu, then the signing date and
    time in Vietnam's time zone (ISO 8601)."""
    local = when.astimezone(vn.VIETNAM_TIME)
    return f"{number}; {local:%Y-%m-%d}; {local:%H:%M:%S}{_iso_offset(local)}"


def _iso_offset(when: datetime) -> str:
    offset = when.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def image_style(picture: Picture) -> Any:
    """A pyHanko stamp style that draws the picture over its whole field, nothing else."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle(
        background=PdfImage(picture.image, box=layout.BoxConstraints(picture.width, picture.height)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )


def serif_font() -> str:
    """The TrueType font for the attachment's text line (Times New Roman or its metric twin)."""
    for candidate in SERIF_FONTS:
        if Path(candidate).is_file():
            return candidate
    raise SigningError(_(
        "Times New Roman (or Liberation Serif) is needed for the attachment's signature line:"
        " apt-get install fonts-liberation2"))


def text_width(text: str, font_size: float = ATTACHMENT_FONT_SIZE) -> float:
    """The width of ``text`` in the serif font, in points."""
    from fontTools.ttLib import TTFont

    with TTFont(serif_font()) as font:
        cmap = font.getBestCmap()
        metrics = dict(font["hmtx"].metrics)
        units = font["head"].unitsPerEm
    default = metrics.get(".notdef", (units // 2, 0))[0]
    return sum(metrics.get(cmap.get(ord(ch), ".notdef"), (default, 0))[0] for ch in text) * font_size / units


def _font_factory() -> Any:
    """pyHanko's glyph accumulator for the serif font, shaping and writing widths in the PDF's
    1/1000 em: pyHanko 0.38 uses the font's own units, right for OpenType (CFF) fonts with
    1000 per em but not for TrueType's 2048 (Times New Roman, Liberation Serif), where
    viewers then space the letters twice too wide."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class _Accumulator(GlyphAccumulator):
        font_units = 1000

        def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
            if glyph_id not in self._glyphs:  # the cache also gives the font's /W widths
                cid, width = super()._get_cid_and_width(glyph_id)
                self._glyphs[glyph_id] = cid, round(width * 1000 / self.font_units)
            return self._glyphs[glyph_id]

    @dataclass(frozen=True)
    class _Factory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            # read the font into memory: pyHanko's own factory leaves the file open
            engine = _Accumulator(
                writer=writer, font_handle=io.BytesIO(Path(self.font_file).read_bytes()), font_size=self.font_size,
                obj_stream=obj_stream,
            )
            engine.font_units = engine.units_per_em  # shape in 1/1000 em, as the PDF reads
            engine.hb_font.scale = (1000, 1000)
            engine.units_per_em = 1000
            return engine

    return _Factory(serif_font(), font_size=ATTACHMENT_FONT_SIZE)


def attachment_style(number: str) -> Any:
    """A pyHanko text stamp style for the attachment's line, in Vietnam's time."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    @dataclass(frozen=True)
    class _AttachmentStyle(TextStampStyle):
        # pyHanko formats the signing time in the machine's zone with this format; the stamp
        # reads it back and writes it in Vietnam's zone, so the line shows the signature's time.
        def create_stamp(self, writer: Any, box: Any, text_params: dict[str, Any]) -> Any:
            when = datetime.strptime(text_params["ts"], "%Y-%m-%dT%H:%M:%S%z")
            style = replace(self, stamp_text=attachment_text(number, when).replace("%", "%%"))
            return TextStampStyle.create_stamp(style, writer, box, text_params)

    return _AttachmentStyle(
        text_box_style=TextBoxStyle(
            font=_font_factory(),
            font_size=ATTACHMENT_FONT_SIZE, border_width=0, box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0)),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0)),
        border_width=0,
        timestamp_format="%Y-%m-%dT%H:%M:%S%z",
    )
