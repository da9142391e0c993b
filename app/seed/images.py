"""Demo pictures drawn locally with Pillow: one of its own per catalogue item, plus shop art."""
import io
import random
import re
import zlib
from functools import lru_cache, partial

from PIL import Image, ImageDraw, ImageFont
from slugify import slugify

from app.media import storage
from app.seed import motifs

PRODUCT_SIZE = 640  # the product page's square zoom frame; cards show the middle 4:3 of it
SHOP_LOGOS = 12
SHOP_BANNERS = 8

# One palette (light, dark, accent) per top-level category: its pictures belong together.
PALETTES = (
    ((250, 232, 214), (201, 122, 84), (255, 250, 240)),
    ((255, 236, 179), (214, 137, 16), (255, 253, 231)),
    ((255, 205, 210), (183, 28, 28), (232, 245, 233)),
    ((215, 204, 200), (93, 64, 55), (255, 243, 224)),
    ((207, 226, 243), (41, 98, 155), (255, 255, 255)),
    ((220, 237, 200), (104, 159, 56), (255, 241, 118)),
    ((200, 230, 201), (46, 125, 50), (255, 248, 225)),
    ((225, 213, 231), (106, 27, 154), (255, 236, 179)),
)
# Colours a title names paint its motif, so "Jumbo Bag Red Retrospot" shows a red bag.
TITLE_COLOURS = {
    "RED": (198, 40, 40), "BLUE": (30, 96, 170), "PINK": (233, 99, 148),
    "GREEN": (56, 142, 60), "WHITE": (250, 250, 248), "IVORY": (245, 238, 220),
    "CREAM": (243, 233, 205), "BLACK": (40, 40, 44), "GOLD": (212, 165, 32),
    "SILVER": (176, 184, 192), "PURPLE": (123, 63, 160), "ORANGE": (239, 124, 32),
    "YELLOW": (244, 200, 40), "BROWN": (121, 85, 61), "LILAC": (190, 160, 215),
    "TEAL": (0, 128, 128), "TURQUOISE": (38, 180, 170), "GREY": (130, 130, 135),
    "NAVY": (30, 45, 90), "NATURAL": (205, 180, 140),
}
_WORDS = re.compile(r"[A-Za-z]+")


def _gradient(size, top, bottom, angle):
    """A soft two-colour gradient: Pillow's 256-px ramp, rotated and scaled (fast, no NumPy)."""
    ramp = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    # The centre of the rotated ramp has no empty corners left by the rotation.
    w, h = ramp.size
    mask = ramp.crop((w // 2 - 90, h // 2 - 90, w // 2 + 90, h // 2 + 90))
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _pattern(draw, rng, width, height, colour):
    kind = rng.randrange(4)
    step = rng.choice((60, 80, 100))
    if kind == 0:  # polka dots
        for y in range(step // 2, height, step):
            for x in range(step // 2 + (y // step % 2) * step // 2, width, step):
                draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=colour)
    elif kind == 1:  # diagonal stripes
        for x in range(-height, width, step):
            draw.line((x, 0, x + height, height), fill=colour, width=10)
    elif kind == 2:  # scattered rings
        for _ in range(14):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 70)
            draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=6)
    else:  # checks
        for y in range(0, height, step):
            for x in range((y // step % 2) * step, width, step * 2):
                draw.rectangle((x, y, x + step - 1, y + step - 1), fill=colour)


def _motif(draw, rng, centre, radius, fill, outline):
    cx, cy = centre
    box = (cx - radius, cy - radius, cx + radius, cy + radius)
    kind = rng.randrange(4)
    if kind == 0:
        draw.ellipse(box, fill=fill, outline=outline, width=8)
    elif kind == 1:
        draw.rounded_rectangle(box, radius=radius // 4, fill=fill, outline=outline, width=8)
    elif kind == 2:
        draw.regular_polygon((cx, cy, radius), n_sides=rng.choice((3, 5, 6, 8)),
                             rotation=rng.randrange(360), fill=fill, outline=outline, width=8)
    else:  # a heart: two circles and a triangle, the shop's best seller motif
        r = radius // 2
        draw.ellipse((cx - 2 * r, cy - r - r // 2, cx, cy + r // 2), fill=fill)
        draw.ellipse((cx, cy - r - r // 2, cx + 2 * r, cy + r // 2), fill=fill)
        draw.polygon(((cx - 2 * r + 4, cy), (cx + 2 * r - 4, cy), (cx, cy + 2 * r)), fill=fill)


def _text_centred(draw, y, text, size, width, fill, shadow):
    font = _font(size)
    left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
    x = (width - (right - left)) // 2
    draw.text((x + 2, y + 2), text, font=font, fill=shadow)
    draw.text((x, y), text, font=font, fill=fill)


def _encode(image, fmt="JPEG"):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        # convert() copies even an RGB picture: only convert what is not RGB already.
        (image if image.mode == "RGB" else image.convert("RGB")).save(buffer, "JPEG", quality=80)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def picture(width, height, palette, seed, title, subtitle=""):
    """One demo picture: gradient, pattern, a central shape and the caption."""
    rng = random.Random(seed)
    light, dark, accent = palette
    image = _gradient((width, height), light, dark, rng.randrange(0, 360, 15)).convert("RGBA")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    _pattern(draw, rng, width, height, (*accent, 55))
    wide = width >= 2 * height  # banners: the shape on the left, the caption in the middle
    centre = (height * 11 // 20, height // 2) if wide else (width // 2, height // 2 - height // 12)
    _motif(draw, rng, centre, min(width, height) // (3 if wide else 4),
           (*accent, 210), (*dark, 255))
    # Text goes on the flattened picture: drawing RGBA text on RGBA replaces, not blends.
    image = Image.alpha_composite(image, overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    size = max(14, min(width // 14, height // 7))
    top = height // 2 - size if wide else height - size * 3
    if title:
        _text_centred(draw, top, title, size, width, (255, 255, 255), dark)
    if subtitle:
        _text_centred(draw, top + int(size * 1.4), subtitle, size * 2 // 3, width,
                      (255, 255, 255), dark)
    return image


def _save(name, build, fmt="JPEG"):
    """Save once: a picture depends only on its name, so a re-seed reuses existing files."""
    store, path = storage(), f"demo/{name}"
    if hasattr(store, "exists") and store.exists(path):
        return store.url(path)
    return store.save(path, _encode(build(), fmt))


def category_pictures(tree):
    """{category name: url} for every top-level category and subcategory of [(top, [subs])]."""
    urls = {}
    for t, (top, subs) in enumerate(tree):
        urls[top] = _save(f"categories/{slugify(top)}.jpg",
                          partial(product_picture, top, subs[0], t))
        for sub in subs:
            urls[sub] = _save(f"categories/{slugify(sub)}.jpg",
                              partial(product_picture, sub, sub, t))
    return urls


def product_url(name, title, subcategory, top_index):
    """The url of an item's own picture, drawn and saved under demo/products/<name>.jpg."""
    return _save(f"products/{name}.jpg",
                 partial(product_picture, title, subcategory, top_index))


def product_picture(title, subcategory, top_index):
    """A picture of one item: its category's palette and motif, painted in the colour its title
    names, over a pattern chosen by its title, with the title written underneath."""
    key = zlib.crc32(title.encode())
    rng = random.Random(key)
    light, dark, accent = PALETTES[top_index % len(PALETTES)]
    size = PRODUCT_SIZE
    image = Image.new("RGB", (size, size), _mix(light, accent, rng.uniform(0, 0.6)))
    draw = ImageDraw.Draw(image)
    _pattern(draw, rng, size, size, _mix(light, dark, 0.18))
    upper = [w.upper() for w in _WORDS.findall(title)]
    colour = next((TITLE_COLOURS[w] for w in upper if w in TITLE_COLOURS), None)
    fill = colour or _mix(dark, (255, 255, 255), rng.uniform(0, 0.35))
    line = (90, 90, 96) if colour == TITLE_COLOURS["BLACK"] else dark
    # Cards crop a square to its middle 4:3: motif and caption stay between 1/8 and 7/8.
    cx, cy, radius = size // 2, size * 19 // 50, size // 6
    halo = radius * 13 // 10
    draw.ellipse((cx - halo, cy - halo, cx + halo, cy + halo), fill=accent)
    motifs.draw(draw, motifs.pick(upper, subcategory), (cx, cy), radius, fill, line)
    _caption(draw, title, size, dark)
    return image


def _mix(a, b, share):
    return tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=8)
def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType support: the fixed bitmap font
        return ImageFont.load_default()


def _caption(draw, title, size, dark):
    """The title on a band across the lower part, in at most two lines (shrunk to fit)."""
    top, bottom = size * 31 // 50, size * 43 // 50
    draw.rectangle((0, top, size, bottom), fill=dark)
    for points in (size // 15, size // 19, size // 24):
        font = _font(points)
        lines = _wrap(title, font, size * 9 // 10)
        if len(lines) <= 2:
            break
    if len(lines) > 2:  # a long title even at the smallest size: the rest is elided
        lines = [lines[0], f"{lines[1]} …"]
    gap = points * 5 // 4
    y = (top + bottom) // 2 - gap * (len(lines) - 1) // 2
    for n, text in enumerate(lines):
        draw.text((size // 2, y + n * gap), text, font=font, fill=(255, 255, 255), anchor="mm")


def _wrap(text, font, width):
    lines = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def shop_pool():
    """(logo urls, banner urls) shared by every demo shop."""
    logos = [
        _save(f"shop-logo-{n + 1:02d}.png",
              lambda n=n: picture(256, 256, PALETTES[n % len(PALETTES)], 9000 + n, ""), "PNG")
        for n in range(SHOP_LOGOS)
    ]
    banners = [
        _save(f"shop-banner-{n + 1:02d}.jpg",
              lambda n=n: picture(1200, 300, PALETTES[(n * 3) % len(PALETTES)], 9100 + n, ""))
        for n in range(SHOP_BANNERS)
    ]
    return logos, banners


def site_images():
    """(logo url, banner url) for the site configuration."""
    # No caption: the home page's hero writes its own title over the banner.
    banner = _save("site-banner-plain.jpg", lambda: picture(1600, 500, PALETTES[0], 7, ""))
    return _save("site-logo.png", _site_logo, "PNG"), banner


def _site_logo():
    image = Image.new("RGBA", (320, 96), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 12, 76, 84), radius=16, fill=(201, 122, 84, 255))
    draw.text((40, 48), "B", font=_font(52), fill=(255, 255, 255, 255), anchor="mm")
    draw.text((92, 48), "Bazaar", font=_font(48), fill=(62, 39, 35, 255), anchor="lm")
    return image
