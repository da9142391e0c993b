"""User-Agent strings as browsers and crawlers really send them -> dashboard buckets."""
import pytest

from app.text.user_agents import parse_user_agent

UA = {
    "chrome_windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36"),
    "safari_iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"),
    "safari_ipad": (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/16.6 Mobile/15E148 Safari/604.1"),
    "firefox_linux": (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"),
    "edge_windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80"),
    "samsung_android": (
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"),
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "googlebot_smartphone": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/124.0.6367.60 Mobile Safari/537.36 "
        "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    "safari_mac": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4.1 Safari/605.1.15"),
    "chrome_ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1"),
    "chrome_android_tablet": (
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36"),
    "firefox_android": "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
    "opera_windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0"),
    "chrome_chromeos": (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36"),
    "bingbot": (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36"),
    # "Microsoft" contains "cros": it must not read as ChromeOS.
    "outlook_mac": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Microsoft Outlook/16.84"),
    # A phone brand ending in "bot" is not a crawler.
    "cubot_phone": (
        "Mozilla/5.0 (Linux; Android 11; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.6099.144 Mobile Safari/537.36"),
    "firefox_android_tablet": (
        "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0"),
    "kindle_silk": (
        "Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Silk/124.1.1 like Chrome/124.0.6367.179 Safari/537.36"),
    "edge_ios": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 EdgiOS/124.2478.50 Mobile/15E148 Safari/605.1.15"),
    "firefox_fedora": (
        "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"),
    "headless_chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36"),
    # Link previews fetched by apps and chat services are crawlers too.
    "whatsapp_preview": "WhatsApp/2.23.20.0 A",
    "slack_preview": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    # It names Android too, but the system is Windows.
    "windows_phone": (
        "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 "
        "Edge/15.15063"),
}

EXPECTED = {
    "chrome_windows": ("desktop", "Chrome", "Windows"),
    "safari_iphone": ("mobile", "Safari", "iOS"),
    "safari_ipad": ("tablet", "Safari", "iOS"),
    "firefox_linux": ("desktop", "Firefox", "Linux"),
    "edge_windows": ("desktop", "Edge", "Windows"),
    "samsung_android": ("mobile", "Samsung Internet", "Android"),
    "googlebot": ("bot", "Other", "Other"),
    # A crawler is not a Chrome user, whatever engine it renders with.
    "googlebot_smartphone": ("bot", "Other", "Android"),
    "safari_mac": ("desktop", "Safari", "macOS"),
    "chrome_ios": ("mobile", "Chrome", "iOS"),
    "chrome_android_tablet": ("tablet", "Chrome", "Android"),
    "firefox_android": ("mobile", "Firefox", "Android"),
    "opera_windows": ("desktop", "Opera", "Windows"),
    "chrome_chromeos": ("desktop", "Chrome", "ChromeOS"),
    "bingbot": ("bot", "Other", "Other"),
    "outlook_mac": ("desktop", "Other", "macOS"),
    "cubot_phone": ("mobile", "Chrome", "Android"),
    "firefox_android_tablet": ("tablet", "Firefox", "Android"),
    "kindle_silk": ("tablet", "Other", "Android"),
    "edge_ios": ("mobile", "Edge", "iOS"),
    "firefox_fedora": ("desktop", "Firefox", "Linux"),
    "headless_chrome": ("bot", "Other", "Linux"),
    "whatsapp_preview": ("bot", "Other", "Other"),
    "slack_preview": ("bot", "Other", "Other"),
    "windows_phone": ("mobile", "Edge", "Windows"),
}


@pytest.mark.parametrize("name", list(UA))
def test_real_user_agents_fall_in_the_expected_buckets(name):
    assert parse_user_agent(UA[name]) == EXPECTED[name]


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_user_agent_is_unknown(value):
    assert parse_user_agent(value) == ("unknown", "Other", "Other")


@pytest.mark.parametrize("value", ["curl/8.5.0", "\x00\x01garbage", "😀" * 50, "<script>"])
def test_unrecognised_user_agents_are_other_desktops(value):
    assert parse_user_agent(value) == ("desktop", "Other", "Other")


def test_a_huge_user_agent_is_parsed_from_its_first_512_characters():
    huge = "x" * 600 + " iPhone"
    assert parse_user_agent(huge) == ("desktop", "Other", "Other")
