"""Word lists the demo data is composed from: names, places, brands, review bodies."""

FIRST_NAMES = (
    "Maya", "Oliver", "Amara", "Lukas", "Sofia", "Kwame", "Ingrid", "Mateo", "Aisha", "Finn",
    "Chloe", "Ravi", "Elena", "Tomasz", "Hana", "Jonas", "Zara", "Diego", "Freya", "Samir",
    "Lena", "Noah", "Priya", "Emil", "Grace", "Yusuf", "Clara", "Arjun", "Isla", "Marco",
    "Nadia", "Leo", "Astrid", "Kofi", "Ruth", "Hugo", "Mei", "Oscar", "Lucia", "Ben",
)
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreau", "Schmidt", "Rossi", "Patel", "Murphy", "Novak", "Jansen",
    "Garcia", "Nakamura", "Brennan", "Fischer", "Dubois", "Andersen", "Kowalski", "Haddad",
    "Silva", "Walsh", "Bauer", "Costa", "Eriksen", "Mensah", "Laurent", "Hughes", "Varga",
    "Romano", "Becker", "Quinn", "Sato",
)

# (country, cities) where demo shops and shoppers live; all are in blueprints/web/countries.py.
PLACES = (
    ("GB", ("London", "Bristol", "Manchester", "Edinburgh", "Leeds")),
    ("US", ("Portland", "Austin", "Brooklyn", "Denver", "Chicago")),
    ("DE", ("Berlin", "Hamburg", "Leipzig", "Munich")),
    ("FR", ("Lyon", "Paris", "Nantes", "Bordeaux")),
    ("NL", ("Utrecht", "Amsterdam", "Rotterdam")),
    ("IE", ("Dublin", "Galway", "Cork")),
    ("IT", ("Bologna", "Milan", "Turin")),
    ("ES", ("Valencia", "Seville", "Barcelona")),
    ("SE", ("Malmö", "Stockholm", "Gothenburg")),
    ("DK", ("Copenhagen", "Aarhus")),
    ("CA", ("Montreal", "Toronto", "Halifax")),
    ("AU", ("Melbourne", "Hobart", "Brisbane")),
)
STREETS = ("High Street", "Mill Lane", "Station Road", "Church Street", "Harbour Way",
           "Orchard Road", "Market Square", "Canal Walk", "Linden Avenue", "Rose Terrace")
EU_COUNTRIES = ("AT", "BE", "CZ", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "NL", "PL",
                "PT", "SE")

# Standard VAT/GST rates in basis points; the US is left without a row (no sales tax here).
TAX_RATES = {"GB": 2000, "DE": 1900, "FR": 2000, "NL": 2100, "IE": 2300, "IT": 2200,
             "ES": 2100, "SE": 2500, "DK": 2500, "CA": 500, "AU": 1000}

SHOP_FIRST = ("Little", "Harbour", "Willow", "Copper", "Maple", "Juniper", "Saffron", "Tin",
              "Bramble", "Lantern", "Marigold", "Paper", "Fern", "Honey", "Indigo", "Oak",
              "Pebble", "Rosehip", "Thistle", "Velvet", "Clover", "Magpie", "Sparrow", "Wren")
SHOP_SECOND = ("Fox", "Lane", "House", "Loft", "Market", "Workshop", "Corner", "Studio",
               "Parlour", "Cabinet", "Yard", "Nest", "Trading Co.", "& Daughters", "Emporium",
               "Mercantile", "Attic", "Pantry", "Finds", "Goods")
SHOP_BLURBS = (
    "Small-batch gifts and homeware, packed by hand and posted within two working days.",
    "Cheerful things for kitchens, parties and rainy afternoons, chosen one by one.",
    "Vintage-inspired finds for the home, the garden and the people you love.",
    "A family shop with a soft spot for retro prints, bright colours and good tins.",
    "Thoughtful gifts that do not cost the earth; plastic-free packaging on every order.",
    "Everything for a cosy home: candles, cushions, lights and a little bit of sparkle.",
)

# Brand words no title word starts (a test checks it): search matches the last word typed as a
# prefix, so a brand "Hearth Home" would turn up for "heart" and for "home".
BRAND_PARTS = ("Nordl", "Halden", "Kinfolk", "Orrin", "Brume", "Sable", "Larkin", "Vesper",
               "Ember", "Moss", "Quill", "Fennick", "Alder", "Mirth", "Birch", "Cobble")
BRAND_SUFFIXES = (" & Co", " Atelier", " Goods", " Supply", "", " Living", " Trading")

COLOURS = ("Red", "Blue", "Green", "Pink", "Ivory", "Black", "Natural", "Sage", "Mustard",
           "Navy", "Teal", "Grey")
TITLE_COLOURS = {c.upper() for c in COLOURS} | {"WHITE", "CREAM", "GOLD", "SILVER", "PURPLE",
                                               "ORANGE", "YELLOW", "BROWN", "LILAC"}
BAG_SIZES = ("Small", "Medium", "Large")
METAL_FINISHES = ("Silver", "Gold", "Rose Gold")

# Variation names for titles once the 3,866 real items have all been used once.
FINISHES = ("Sage", "Coral", "Midnight", "Linen", "Ochre", "Blush", "Forest", "Slate",
            "Honey", "Plum", "Seafoam", "Terracotta", "Ivory", "Cobalt", "Rust", "Mint",
            "Charcoal", "Lavender", "Saffron", "Pearl")
EDITIONS = ("Edition", "Collection", "Special Edition", "Studio Edition", "Heritage Edition",
            "Limited Run", "Gift Edition", "Classic")

MATERIALS = {
    "Home & Kitchen": ("Stoneware", "Enamelled steel", "Cotton", "Bamboo", "Porcelain"),
    "Candles & Lights": ("Soy wax", "Glass", "Zinc", "Paper", "Iron"),
    "Party & Seasonal": ("Paper", "Glass", "Felt", "Wood", "Card"),
    "Bags & Accessories": ("Cotton canvas", "Jute", "Recycled polyester", "Brass", "Leather"),
    "Stationery & Paper": ("Recycled paper", "Card", "Wood", "Kraft paper"),
    "Toys & Games": ("Beech wood", "Cotton", "Tin", "Felt", "Card"),
    "Garden & Outdoor": ("Zinc", "Terracotta", "Wood", "Enamel", "Rattan"),
    "Vintage Signs & Decor": ("Metal", "Glass", "Wood", "Wicker", "Ceramic"),
}
# Title words that name what a thing is made of ("Zinc Heart Lantern": Material: Zinc).
TITLE_MATERIALS = {
    "GLASS": "Glass", "ZINC": "Zinc", "ENAMEL": "Enamel", "CERAMIC": "Ceramic",
    "PORCELAIN": "Porcelain", "FELT": "Felt", "PAPER": "Paper", "METAL": "Metal",
    "WICKER": "Wicker", "TIN": "Tin", "CANVAS": "Cotton canvas", "JUTE": "Jute",
    "COTTON": "Cotton", "LINEN": "Linen", "SLATE": "Slate", "BAMBOO": "Bamboo",
    "LEATHER": "Leather", "IRON": "Iron", "WIRE": "Wire", "ACRYLIC": "Acrylic",
    "VELVET": "Velvet", "RATTAN": "Rattan", "WOOD": "Wood", "WOODEN": "Wood",
    "CAMPHOR": "Camphor wood", "SANDALWOOD": "Sandalwood", "WAX": "Wax", "CARD": "Card",
}
CARE = ("Wipe clean with a damp cloth.", "Hand wash only.", "Keep dry; indoor use.",
        "Machine washable at 30 °C.", "Not suitable for children under 3.")
# No product nouns ("gift box", "vintage"): every description would match a search for them.
PITCHES = (
    "A customer favourite that brightens any room it lands in.",
    "Designed and made in small runs, so every batch is a little different.",
    "Simple, useful and pretty: the kind of thing you end up buying two of.",
    "Wrapped with care and sent in recycled packaging, ready to give.",
    "Inspired by old pieces found at flea markets across Britain and France.",
)

REVIEWS = {
    5: (("Lovely!", "Even nicer than the photos. Arrived quickly and beautifully packed."),
        ("Perfect gift", "Bought it for my sister and she loved it. Will order again."),
        ("Great quality", "Solid, well made and the colour is exactly as described."),
        ("So pretty", "Looks gorgeous on the kitchen shelf. Fast delivery too."),
        ("Five stars", "Exactly what I wanted, and the seller added a handwritten note.")),
    4: (("Very nice", "Good quality for the price; a little smaller than I expected."),
        ("Happy with it", "Nice item, well packed. Delivery took a few days longer."),
        ("Would recommend", "Does the job and looks lovely. The colour is a bit lighter.")),
    3: (("It's okay", "Fine for the price, but the finish is not perfect."),
        ("Average", "Arrived safely; it is smaller and thinner than it looks online.")),
    2: (("Disappointed", "One corner was scuffed and the print was slightly off."),),
    1: (("Not as described", "Arrived broken. The seller offered a refund, though."),),
}
REVIEW_WEIGHTS = (3, 5, 12, 30, 50)  # for ratings 1..5: positive, as real marketplaces are
