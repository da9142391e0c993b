"""Simple shapes drawn with Pillow that say what a demo product is: a mug, a bag, a heart..."""
import math

# A word in the title beats the category: "Heart of Wicker" is a heart wherever it is filed.
TITLE_WORDS = {
    "HEART": "heart", "HEARTS": "heart", "STAR": "star", "STARS": "star", "BIRD": "bird",
    "BIRDS": "bird", "MUG": "mug", "MUGS": "mug", "CUP": "mug", "CUPS": "mug", "BAG": "bag",
    "BAGS": "bag", "CANDLE": "candle", "CANDLES": "candle", "CLOCK": "clock",
    "LANTERN": "lantern", "UMBRELLA": "umbrella", "EGG": "egg", "EGGS": "egg", "KEY": "key",
    "FLOWER": "flower", "FLOWERS": "flower", "TREE": "tree", "BUNTING": "bunting",
}
SUBCATEGORIES = {
    "Mugs & Cups": "mug", "Baking & Tableware": "cakestand", "Storage & Tins": "tin",
    "Textiles & Cushions": "cushion", "Bath & Body": "drop", "Candles & Holders": "candle",
    "Lanterns": "lantern", "Fairy & String Lights": "bulbs", "Christmas": "tree",
    "Party Supplies": "bunting", "Easter & Spring": "egg", "Bags & Totes": "bag",
    "Jewellery & Hair": "ring", "Purses & Keyrings": "key", "Hats, Scarves & Umbrellas": "umbrella",
    "Cards & Wrap": "envelope", "Notebooks & Pens": "notebook", "Stickers & Crafts": "star",
    "Kids' Toys": "blocks", "Games & Puzzles": "dice", "Baby & Nursery": "moon",
    "Planters & Pots": "pot", "Birds & Wildlife": "bird", "Picnic & Outdoor": "sun",
    "Signs & Wall Art": "sign", "Frames & Mirrors": "frame", "Clocks": "clock",
    "Hearts & Hanging Decor": "heart", "Vases & Flowers": "flower",
    "Hooks & Door Stops": "hook", "Gifts & Curios": "gift",
}


def pick(title_words, subcategory):
    """The motif for a product: a shape its title names, else its subcategory's."""
    named = next((TITLE_WORDS[w] for w in title_words if w in TITLE_WORDS), None)
    return named or SUBCATEGORIES.get(subcategory, "gift")


def draw(canvas, name, centre, radius, fill, line):
    """Draw motif `name` centred on `centre`, about 2 * radius across."""
    cx, cy = centre
    _SHAPES[name](canvas, cx, cy, radius, fill, line, max(4, radius // 12))


def _box(cx, cy, w, h):
    return (cx - w, cy - h, cx + w, cy + h)


def _heart(d, cx, cy, r, fill, line, w):
    h = r // 2
    d.ellipse((cx - 2 * h, cy - h - h // 2, cx, cy + h // 2), fill=fill)
    d.ellipse((cx, cy - h - h // 2, cx + 2 * h, cy + h // 2), fill=fill)
    # From the circles' widest line down, so no notch is left between them and the point.
    d.polygon(((cx - 2 * h, cy - h // 2), (cx + 2 * h, cy - h // 2), (cx, cy + 2 * h)), fill=fill)


def _star(d, cx, cy, r, fill, line, w):
    points = [(cx + (r if k % 2 == 0 else r * 0.45) * math.sin(k * math.pi / 5),
               cy - (r if k % 2 == 0 else r * 0.45) * math.cos(k * math.pi / 5))
              for k in range(10)]
    d.polygon(points, fill=fill, outline=line, width=w)


def _mug(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx + r * 3 // 4, cy, r // 2, r // 2), outline=line, width=w * 2)
    d.rounded_rectangle(_box(cx - r // 5, cy, r * 3 // 4, r), radius=r // 6, fill=fill,
                        outline=line, width=w)


def _bag(d, cx, cy, r, fill, line, w):
    d.arc(_box(cx, cy - r // 2, r // 2, r // 2), 180, 360, fill=line, width=w * 2)
    d.polygon(((cx - r, cy + r), (cx + r, cy + r), (cx + r * 4 // 5, cy - r // 2),
               (cx - r * 4 // 5, cy - r // 2)), fill=fill, outline=line, width=w)


def _candle(d, cx, cy, r, fill, line, w):
    d.rectangle((cx - r // 3, cy - r // 3, cx + r // 3, cy + r), fill=fill, outline=line, width=w)
    d.ellipse((cx - r // 6, cy - r, cx + r // 6, cy - r // 3 - w), fill=(255, 183, 77))


def _clock(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx, cy, r, r), fill=fill, outline=line, width=w)
    d.line((cx, cy, cx, cy - r * 3 // 4), fill=line, width=w)
    d.line((cx, cy, cx + r // 2, cy + r // 6), fill=line, width=w)


def _lantern(d, cx, cy, r, fill, line, w):
    d.arc(_box(cx, cy - r, r // 4, r // 4), 180, 360, fill=line, width=w)
    d.rounded_rectangle((cx - r * 3 // 5, cy - r * 3 // 4, cx + r * 3 // 5, cy + r), radius=r // 5,
                        fill=fill, outline=line, width=w)
    d.ellipse(_box(cx, cy + r // 8, r // 4, r // 3), fill=(255, 213, 79))


def _umbrella(d, cx, cy, r, fill, line, w):
    d.pieslice(_box(cx, cy, r, r), 180, 360, fill=fill, outline=line, width=w)
    d.line((cx, cy, cx, cy + r), fill=line, width=w)
    d.arc((cx, cy + r * 3 // 4, cx + r // 3, cy + r + r // 12), 0, 180, fill=line, width=w)


def _egg(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx, cy, r * 3 // 4, r), fill=fill, outline=line, width=w)


def _key(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx - r // 2, cy, r // 2, r // 2), fill=fill, outline=line, width=w)
    d.rectangle((cx - r // 8, cy - w, cx + r, cy + w), fill=line)
    d.rectangle((cx + r * 2 // 3, cy, cx + r * 2 // 3 + 2 * w, cy + r // 3), fill=line)


def _flower(d, cx, cy, r, fill, line, w):
    for k in range(6):
        angle = k * math.pi / 3
        px, py = cx + r * 0.55 * math.cos(angle), cy + r * 0.55 * math.sin(angle)
        d.ellipse(_box(px, py, r * 0.42, r * 0.42), fill=fill, outline=line, width=w // 2)
    d.ellipse(_box(cx, cy, r // 3, r // 3), fill=(255, 202, 40))


def _tree(d, cx, cy, r, fill, line, w):
    d.rectangle((cx - r // 8, cy + r * 2 // 3, cx + r // 8, cy + r), fill=line)
    for k in range(3):
        top = cy - r + k * r // 2
        d.polygon(((cx, top), (cx - r // 2 - k * r // 5, top + r * 3 // 4),
                   (cx + r // 2 + k * r // 5, top + r * 3 // 4)), fill=fill, outline=line)


def _bunting(d, cx, cy, r, fill, line, w):
    d.line((cx - r, cy - r // 2, cx + r, cy - r // 2), fill=line, width=w)
    for k in range(4):
        left = cx - r + k * r // 2
        d.polygon(((left, cy - r // 2), (left + r // 2, cy - r // 2), (left + r // 4, cy + r // 3)),
                  fill=fill if k % 2 == 0 else line)


def _cakestand(d, cx, cy, r, fill, line, w):
    d.ellipse((cx - r, cy + r // 3, cx + r, cy + r * 2 // 3), fill=fill, outline=line, width=w)
    d.ellipse((cx - r * 2 // 3, cy - r // 3, cx + r * 2 // 3, cy), fill=fill, outline=line,
              width=w)
    d.line((cx, cy - r, cx, cy + r // 3), fill=line, width=w)


def _tin(d, cx, cy, r, fill, line, w):
    d.rectangle(_box(cx, cy + r // 6, r * 4 // 5, r * 4 // 5), fill=fill, outline=line, width=w)
    d.rectangle((cx - r * 9 // 10, cy - r * 4 // 5, cx + r * 9 // 10, cy - r // 2), fill=line)


def _cushion(d, cx, cy, r, fill, line, w):
    d.rounded_rectangle(_box(cx, cy, r, r * 4 // 5), radius=r // 3, fill=fill, outline=line,
                        width=w)
    d.line((cx - r // 2, cy, cx + r // 2, cy), fill=line, width=w // 2)


def _drop(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx, cy + r // 4, r * 2 // 3, r * 2 // 3), fill=fill, outline=line, width=w)
    d.polygon(((cx, cy - r), (cx - r * 3 // 5, cy), (cx + r * 3 // 5, cy)), fill=fill)


def _bulbs(d, cx, cy, r, fill, line, w):
    d.arc(_box(cx, cy - r, r, r), 20, 160, fill=line, width=w)
    for k in range(5):
        angle = math.radians(30 + k * 30)
        px, py = cx + r * math.cos(angle), cy - r + r * math.sin(angle)
        d.ellipse(_box(px, py + r // 5, r // 7, r // 5), fill=fill, outline=line, width=w // 2)


def _ring(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx, cy + r // 5, r * 3 // 4, r * 3 // 4), outline=line, width=w * 2)
    d.regular_polygon((cx, cy - r * 2 // 3, r // 3), 6, fill=fill, outline=line, width=w // 2)


def _envelope(d, cx, cy, r, fill, line, w):
    d.rectangle(_box(cx, cy, r, r * 2 // 3), fill=fill, outline=line, width=w)
    d.line((cx - r, cy - r * 2 // 3, cx, cy + r // 6, cx + r, cy - r * 2 // 3), fill=line, width=w)


def _notebook(d, cx, cy, r, fill, line, w):
    d.rounded_rectangle(_box(cx, cy, r * 3 // 4, r), radius=r // 10, fill=fill, outline=line,
                        width=w)
    for k in range(3):
        y = cy - r // 2 + k * r // 3
        d.line((cx - r // 3, y, cx + r // 2, y), fill=line, width=w // 2)


def _blocks(d, cx, cy, r, fill, line, w):
    s = r // 2
    for x, y in ((cx - s, cy + s // 2), (cx + s, cy + s // 2), (cx, cy - s * 3 // 2)):
        d.rectangle(_box(x, y, s - w, s - w), fill=fill, outline=line, width=w)


def _dice(d, cx, cy, r, fill, line, w):
    d.rounded_rectangle(_box(cx, cy, r * 3 // 4, r * 3 // 4), radius=r // 6, fill=fill,
                        outline=line, width=w)
    for dx, dy in ((-1, -1), (0, 0), (1, 1), (1, -1), (-1, 1)):
        x, y = cx + dx * r * 2 // 5, cy + dy * r * 2 // 5
        d.ellipse(_box(x, y, r // 10, r // 10), fill=line)


def _moon(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx, cy, r, r), fill=fill, outline=line, width=w)
    d.ellipse(_box(cx + r // 2, cy - r // 4, r * 3 // 4, r * 3 // 4), fill=(255, 255, 255))


def _pot(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx - r // 3, cy - r * 2 // 3, r // 3, r // 5), fill=(76, 175, 80))
    d.ellipse(_box(cx + r // 3, cy - r * 2 // 3, r // 3, r // 5), fill=(76, 175, 80))
    d.polygon(((cx - r * 3 // 4, cy - r // 4), (cx + r * 3 // 4, cy - r // 4),
               (cx + r // 2, cy + r), (cx - r // 2, cy + r)), fill=fill, outline=line, width=w)


def _bird(d, cx, cy, r, fill, line, w):
    d.ellipse(_box(cx, cy + r // 6, r * 3 // 4, r // 2), fill=fill, outline=line, width=w)
    d.ellipse(_box(cx + r * 2 // 3, cy - r // 3, r // 3, r // 3), fill=fill, outline=line,
              width=w)
    d.polygon(((cx + r, cy - r // 3), (cx + r + r // 4, cy - r // 4), (cx + r, cy - r // 6)),
              fill=(255, 160, 0))


def _sun(d, cx, cy, r, fill, line, w):
    for k in range(12):
        a = k * math.pi / 6
        d.line((cx + r * 0.6 * math.cos(a), cy + r * 0.6 * math.sin(a),
                cx + r * math.cos(a), cy + r * math.sin(a)), fill=line, width=w)
    d.ellipse(_box(cx, cy, r // 2, r // 2), fill=fill, outline=line, width=w)


def _sign(d, cx, cy, r, fill, line, w):
    d.line((cx - r // 2, cy - r // 3, cx, cy - r, cx + r // 2, cy - r // 3), fill=line, width=w)
    d.rectangle((cx - r, cy - r // 3, cx + r, cy + r * 2 // 3), fill=fill, outline=line, width=w)


def _frame(d, cx, cy, r, fill, line, w):
    d.rectangle(_box(cx, cy, r * 4 // 5, r), fill=fill, outline=line, width=w)
    d.rectangle(_box(cx, cy, r // 2, r * 2 // 3), fill=(255, 255, 255), outline=line, width=w)


def _hook(d, cx, cy, r, fill, line, w):
    d.rounded_rectangle((cx - r // 5, cy - r, cx + r // 5, cy - r // 2), radius=r // 10,
                        fill=fill, outline=line, width=w)
    d.line((cx, cy - r // 2, cx, cy + r // 3), fill=line, width=w * 2)
    d.arc(_box(cx + r // 3, cy + r // 3, r // 3, r // 3), 0, 180, fill=line, width=w * 2)


def _gift(d, cx, cy, r, fill, line, w):
    d.rectangle((cx - r, cy - r // 3, cx + r, cy + r), fill=fill, outline=line, width=w)
    d.rectangle((cx - r // 6, cy - r // 3, cx + r // 6, cy + r), fill=line)
    d.ellipse(_box(cx - r // 3, cy - r // 2, r // 3, r // 6), outline=line, width=w)
    d.ellipse(_box(cx + r // 3, cy - r // 2, r // 3, r // 6), outline=line, width=w)


_SHAPES = {
    "heart": _heart, "star": _star, "mug": _mug, "bag": _bag, "candle": _candle, "clock": _clock,
    "lantern": _lantern, "umbrella": _umbrella, "egg": _egg, "key": _key, "flower": _flower,
    "tree": _tree, "bunting": _bunting, "cakestand": _cakestand, "tin": _tin, "cushion": _cushion,
    "drop": _drop, "bulbs": _bulbs, "ring": _ring, "envelope": _envelope, "notebook": _notebook,
    "blocks": _blocks, "dice": _dice, "moon": _moon, "pot": _pot, "bird": _bird, "sun": _sun,
    "sign": _sign, "frame": _frame, "hook": _hook, "gift": _gift,
}
