"""Device type, browser and OS from a User-Agent string: coarse buckets for dashboards."""
# ua-parser (uap-core's regexes, kept up to date upstream) names the browser, OS and device;
# this module only folds its families into the buckets dashboards and the demo data use.
# ua_parser.parse() goes through the library's own bounded cache (2,000 strings per process);
# with ua-parser-rs installed (the "regex" extra) a string not seen before costs ~0.05 ms and a
# cached one ~0.01 ms (the hand-written regexes it replaces: ~0.035 ms; the pure-Python
# fallback: ~1 ms per new string). The first call in a process loads the regexes (~0.2 s).
import ua_parser

# The first prefix a family starts with: "Chrome Mobile iOS" is Chrome, "Mobile Safari UI/WKWebView"
# is Safari. Anything else (crawlers, apps, curl) is "Other".
_BROWSERS = (
    ("Samsung Internet", "Samsung Internet"),
    ("Mobile Safari", "Safari"),
    ("Chromium", "Chrome"),
    ("Firefox", "Firefox"),
    ("Safari", "Safari"),
    ("Chrome", "Chrome"),
    ("Opera", "Opera"),
    ("Edge", "Edge"),
)
_SYSTEMS = {"iOS": "iOS", "iPadOS": "iOS", "Android": "Android", "Chrome OS": "ChromeOS",
            "Mac OS X": "macOS", "macOS": "macOS", "Linux": "Linux"}
_LINUX = frozenset({"Ubuntu", "Kubuntu", "Xubuntu", "Lubuntu", "Debian", "Fedora", "Red Hat",
                    "CentOS", "openSUSE", "SUSE", "Mint", "Linux Mint", "Arch Linux", "Gentoo",
                    "Mageia", "Slackware", "Mandriva", "elementary OS", "Manjaro"})
_MOBILE_SYSTEMS = frozenset({"iOS", "Android"})
_NOT_A_HANDSET = frozenset({"Other", "Mac", "Spider"})


def parse_user_agent(user_agent):
    """(device_type, browser, os) where device_type is desktop, mobile, tablet or bot."""
    text = (user_agent or "")[:512]
    if not text:
        return "unknown", "Other", "Other"
    parsed = ua_parser.parse(text)
    family = parsed.user_agent.family if parsed.user_agent else "Other"
    os_name = _system(parsed.os.family if parsed.os else "Other")
    return _device(parsed.device, family, os_name), _browser(family), os_name


def _device(device, browser_family, os_name):
    if (device and device.family == "Spider") or browser_family.startswith("Headless"):
        return "bot"
    names = " ".join(filter(None, (device.family, device.brand, device.model))) if device else ""
    if "tablet" in names.lower() or (device and device.family in ("iPad", "Kindle")):
        return "tablet"
    if (device and device.family not in _NOT_A_HANDSET) or os_name in _MOBILE_SYSTEMS:
        return "mobile"
    return "desktop"


def _browser(family):
    return next((bucket for prefix, bucket in _BROWSERS if family.startswith(prefix)), "Other")


def _system(family):
    if family.startswith("Windows"):
        return "Windows"
    if family in _LINUX or "Linux" in family:
        return "Linux"
    return _SYSTEMS.get(family, "Other")
