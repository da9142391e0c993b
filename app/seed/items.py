"""The real catalogue behind the demo: UCI Online Retail items, tidied and categorised."""
import csv
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "online_retail_items.csv.gz"

# Rows of the data set that are fees and bookkeeping, not things anyone can buy.
NOT_PRODUCTS = {
    "POSTAGE", "DOTCOM POSTAGE", "MANUAL", "CARRIAGE", "NEXT DAY CARRIAGE", "PACKING CHARGE",
    "BANK CHARGES", "HIGH RESOLUTION IMAGE", "AMAZON FEE", "ADJUST BAD DEBT", "DISCOUNT",
}
GBP_TO_USD = 1.27

# Top-level category -> subcategories, in storefront order. FALLBACK_SUBCATEGORY catches every
# title no keyword rule claims, so its name promises nothing a title might not say.
CATEGORY_TREE = (
    ("Home & Kitchen", ("Mugs & Cups", "Baking & Tableware", "Storage & Tins",
                        "Textiles & Cushions", "Bath & Body")),
    ("Candles & Lights", ("Candles & Holders", "Lanterns", "Fairy & String Lights")),
    ("Party & Seasonal", ("Christmas", "Party Supplies", "Easter & Spring")),
    ("Bags & Accessories", ("Bags & Totes", "Jewellery & Hair", "Purses & Keyrings",
                            "Hats, Scarves & Umbrellas")),
    ("Stationery & Paper", ("Cards & Wrap", "Notebooks & Pens", "Stickers & Crafts")),
    ("Toys & Games", ("Kids' Toys", "Games & Puzzles", "Baby & Nursery")),
    ("Garden & Outdoor", ("Planters & Pots", "Birds & Wildlife", "Picnic & Outdoor")),
    ("Vintage Signs & Decor", ("Signs & Wall Art", "Frames & Mirrors", "Clocks",
                               "Hearts & Hanging Decor", "Vases & Flowers", "Hooks & Door Stops",
                               "Gifts & Curios")),
)
FALLBACK_SUBCATEGORY = "Gifts & Curios"

# First match wins, so the specific rules (Christmas, T-light holders) come before the broad
# ones (light, box). Words match whole, with an optional plural S or ES.
_RULES = (
    ("Christmas", "CHRISTMAS XMAS ADVENT SANTA REINDEER SNOWFLAKE BAUBLE NATIVITY SNOWMAN "
                  "JINGLE HOLLY MISTLETOE ELF"),
    ("Easter & Spring", "EASTER BUNNY BUNNIES CHICK SPRING"),
    ("Games & Puzzles", "GAME JIGSAW PUZZLE DOMINOES DOMINO SNAKES LUDO DICE PLAYING"),
    ("Party Supplies", "PARTY BUNTING BALLOON CAKE_CASES NAPKIN PARASOL_COCKTAIL STRAW "
                       "PINATA BIRTHDAY CONFETTI PARTY_BAG"),
    ("Candles & Holders", "CANDLE CANDLEHOLDER CANDLESTICK T-LIGHT TEALIGHT TLIGHT INCENSE WAX "
                          "CANDLEPOT"),
    ("Lanterns", "LANTERN"),
    ("Fairy & String Lights", "LIGHT LIGHTS LAMP LAMPSHADE CHANDELIER NIGHTLIGHT TORCH"),
    ("Mugs & Cups", "MUG CUP TEACUP BEAKER SAUCER"),
    ("Bath & Body", "SOAP WASHBAG BATH BATHROOM SHOWER TOILET SPONGE TOOTHBRUSH FLANNEL "
                    "SPONGEBAG WASH_BAG TOILETRY LIP_GLOSS"),
    ("Textiles & Cushions", "TOWEL CUSHION APRON OVEN_GLOVE THROW BLANKET DOORMAT QUILT "
                            "FILLER_PAD TEA_COSY HOT_WATER_BOTTLE CURTAIN WARMER C/COVER MAT "
                            "TABLECLOTH"),
    ("Baking & Tableware", "CAKESTAND CAKE BAKING PLATE BOWL TEAPOT CUTLERY TRAY JUG "
                           "BISCUIT CUTTER SPOON FORK COASTER PLACEMAT RECIPE CAKE_TIN "
                           "CHOPSTICKS EGG TEA COFFEE SUGAR BOTTLE DISH PAN BREAD FOOD "
                           "KITCHEN PANTRY LUNCH_BOX JELLY_MOULD GLASS_CHALICE POPCORN "
                           "ICE_LOLLY UTENSIL JAM_MAKING DRINKING_GLASS TUMBLER"),
    ("Purses & Keyrings", "PURSE KEY_RING KEYRING KEY_FOB WALLET PASSPORT KEY_CHAIN "
                          "LUGGAGE_TAG"),
    ("Hats, Scarves & Umbrellas", "UMBRELLA HAT SCARF GLOVES MITTENS RAIN_MAC RAINCOAT PONCHO "
                                  "SLIPPER SOCK FAN SHOWER_CAP"),
    ("Bags & Totes", "BAG TOTE SHOPPER BACKPACK HANDBAG RUCKSACK SATCHEL"),
    ("Clocks", "CLOCK ALARM"),
    ("Frames & Mirrors", "FRAME PHOTOFRAME MIRROR PHOTO"),
    ("Jewellery & Hair", "NECKLACE BRACELET EARRINGS RING HAIR BROOCH JEWEL BANGLE CHARM "
                         "DIAMANTE HAIRCLIP BEADS NECKL NECKLAC BRACLET CHOKER JEWELLERY JEWELLED "
                         "TIARA"),
    ("Cards & Wrap", "CARD WRAP GIFT_TAG TAGS ENVELOPE"),
    ("Notebooks & Pens", "NOTEBOOK PENCIL PEN ERASER RULER NOTEPAD DIARY JOURNAL CALENDAR "
                         "MEMO NOTE_BOOK SHARPENER BOOK SKETCHBOOK STATIONERY SHOPPING_LIST "
                         "PAPERWEIGHT"),
    ("Stickers & Crafts", "STICKER CRAFT SEWING KNITTING RIBBON STAMP PAPER CHALK CRAYONS "
                          "COLOURING PAINT GLITTER TISSUE MAGNET TAPE FELTCRAFT KIT SCISSOR "
                          "CHALKBOARD DRAWING"),
    ("Baby & Nursery", "BABY NURSERY CHILDRENS CHILDS BIB"),
    ("Kids' Toys", "TOY DOLL DOLLY SPACEBOY TEDDY SOLDIER SKITTLES MARBLES BLOCKS SKIPPING "
                   "SPINNING_TOP HARMONICA PUPPET BALL HELICOPTER PLAYHOUSE MOBILE "
                   "FELT_FARM_ANIMAL"),
    ("Birds & Wildlife", "BIRD BIRDHOUSE FEEDER HEDGEHOG NEST BUTTERFLY BEE LOVEBIRD DOVE"),
    ("Vases & Flowers", "VASE POSY ARTIFICIAL_FLOWER"),
    ("Planters & Pots", "GARDEN PLANT PLANTER POT WATERING HERB SEED FLOWER_POT GROW"),
    ("Picnic & Outdoor", "PICNIC OUTDOOR BEACH WINDMILL WINDCHIME CHIME PARASOL"),
    ("Signs & Wall Art", "SIGN PLAQUE WALL_ART PRINT TILE POSTER LETTERS"),
    ("Hearts & Hanging Decor", "HEART HEARTS HANGING DECORATION WREATH GARLAND TRELLIS ORNAMENT"),
    ("Hooks & Door Stops", "HOOK HANGER PEG DOORSTOP DOOR_STOP DOORKNOB DRAWERKNOB KNOB "
                           "COAT_RACK"),
    # Flowers are often a pattern ("Rose Cottage Mug"): only titles nothing above claimed.
    ("Vases & Flowers", "FLOWER ROSE DAISY ANEMONE TULIP PEONY LAVENDER"),
    ("Storage & Tins", "BOX JAR TIN STORAGE DRAWER CABINET BIN CHEST RACK ORGANISER TIDY "
                       "HAMPER BASKET TRINKET CADDY BUCKET CASE STAND"),
    ("Baking & Tableware", "GLASS PLATTER FRUITBOWL SQUEEZER CANNISTER"),
)
RULES = tuple(
    (sub, re.compile(r"\b(?:" + "|".join(
        re.escape(w).replace("_", r"\s+") for w in words.split()) + r")(?:E?S)?\b"))
    for sub, words in _RULES
)

# Words that stay as they are (units, abbreviations) and short words kept lower case.
_KEEP_UPPER = {"UK", "USA", "LED", "DIY", "XL", "XXL", "ABC", "DVD", "CD", "UFO"}
_SMALL_WORDS = {"a", "an", "and", "of", "in", "on", "with", "the", "for", "to", "or", "at", "by"}
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[0-9]+[A-Za-z]*|[^A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class Item:
    item_id: int
    title: str
    price_cents: int
    subcategory: str


def nice_title(raw):
    """'LUNCH BAG  BLACK SKULL.' -> 'Lunch Bag Black Skull'."""
    text = re.sub(r"\s+", " ", raw.replace('"', "")).strip(" ,.;:-/+")
    text = re.sub(r"\s*,\s*", ", ", text)
    words = []
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            words.append(token.lower())  # "125g", "72", "3d"
        elif token[0].isalpha():
            if token.upper() in _KEEP_UPPER:
                words.append(token.upper())
            elif words and token.lower() in _SMALL_WORDS:
                words.append(token.lower())
            else:
                words.append(token[0].upper() + token[1:].lower())
        else:
            words.append(token)
    return "".join(words)


def charm_price(cents):
    """A price as a shop would print it, ending in 9: 349, 1299, 2499."""
    cents = max(99, int(cents))
    return cents // 10 * 10 + 9 if cents < 1000 else cents // 100 * 100 + 99


def usd_cents(gbp):
    """A GBP median price as a USD shelf price in cents."""
    return charm_price(round(float(gbp) * GBP_TO_USD * 100))


def categorise(raw_title):
    upper = raw_title.upper()
    for subcategory, pattern in RULES:
        if pattern.search(upper):
            return subcategory
    return FALLBACK_SUBCATEGORY


def load_items(path=DATA_FILE):
    """Every sellable item once, in data-set order (most purchased first)."""
    items, seen = [], set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            raw = row["title"].strip()
            if not raw or raw.upper() in NOT_PRODUCTS or float(row["unit_price"]) <= 0:
                continue
            title = nice_title(raw)
            if len(title) < 3 or title.lower() in seen:
                continue
            seen.add(title.lower())
            items.append(Item(int(row["item_id"]), title, usd_cents(row["unit_price"]),
                              categorise(raw)))
    return items
