"""Demo pictures drawn locally with Pillow: a small reusable pool, never one file per product."""
import io
import random
from functools import partial

from PIL import Image, ImageDraw, ImageFont
from slugify import slugify

from app.services.media import storage

PRODUCT_SIZE = 800
IMAGES_PER_SUBCATEGORY = 12
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


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType support: the fixed bitmap font
        return ImageFont.load_default()


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
        image.convert("RGB").save(buffer, "JPEG", quality=80)
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
    """Save once: the pool depends only on its names, so a re-seed reuses existing files."""
    store, path = storage(), f"demo/{name}"
    if hasattr(store, "exists") and store.exists(path):
        return store.url(path)
    return store.save(path, _encode(build(), fmt))


def product_pool(tree):
    """{subcategory name: [url, ...]} for every subcategory of [(top, [subs])]."""
    pool = {}
    for t, (top, subs) in enumerate(tree):
        palette = PALETTES[t % len(PALETTES)]
        for s, sub in enumerate(subs):
            slug = slugify(sub)
            pool[sub] = [
                _save(f"{slug}-{n + 1:02d}.jpg",
                      partial(picture, PRODUCT_SIZE, PRODUCT_SIZE, palette,
                              (t * 31 + s) * 101 + n, sub, top))
                for n in range(IMAGES_PER_SUBCATEGORY)
            ]
    return pool


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
