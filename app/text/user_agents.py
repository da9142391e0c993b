"""Device type, browser and OS from a User-Agent string: coarse buckets for dashboards."""
import re

# "bot" must end a word: Googlebot/2.1 and Slackbot-LinkExpanding are crawlers, a CUBOT_X30
# phone is not.
_BOT = re.compile(r"bot\b|crawl|spider|slurp|facebookexternalhit|preview|headless", re.I)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini", re.I)

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", re.compile(r"edg(e|a|ios)?/", re.I)),
    ("Opera", re.compile(r"opr/|opera", re.I)),
    ("Samsung Internet", re.compile(r"samsungbrowser", re.I)),
    ("Firefox", re.compile(r"firefox|fxios", re.I)),
    ("Chrome", re.compile(r"chrome|crios|chromium", re.I)),
    ("Safari", re.compile(r"safari", re.I)),
)
_SYSTEMS = (
    ("iOS", re.compile(r"iphone|ipad|ipod", re.I)),
    ("Android", re.compile(r"android", re.I)),
    ("Windows", re.compile(r"windows", re.I)),
    # Case-sensitive whole word: "Microsoft" contains "cros".
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"mac os x|macintosh", re.I)),
    ("Linux", re.compile(r"linux|x11", re.I)),
)


def _first(patterns, text):
    return next((name for name, pattern in patterns if pattern.search(text)), "Other")


def parse_user_agent(user_agent):
    """(device_type, browser, os) where device_type is desktop, mobile, tablet or bot."""
    text = (user_agent or "")[:512]
    if not text:
        return "unknown", "Other", "Other"
    if _BOT.search(text):
        device = "bot"
    elif _TABLET.search(text):
        device = "tablet"
    elif _MOBILE.search(text):
        device = "mobile"
    else:
        device = "desktop"
    return device, _first(_BROWSERS, text), _first(_SYSTEMS, text)
