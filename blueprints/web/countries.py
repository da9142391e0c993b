"""Countries offered in address and shop forms (ISO 3166-1 alpha-2)."""
from wtforms.fields.choices import SelectChoice

COUNTRIES = {
    "AU": "Australia", "AT": "Austria", "BE": "Belgium", "BR": "Brazil", "CA": "Canada",
    "CH": "Switzerland", "CN": "China", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark",
    "EG": "Egypt", "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "United Kingdom",
    "GR": "Greece", "IE": "Ireland", "IN": "India", "IT": "Italy", "JP": "Japan",
    "KE": "Kenya", "KR": "South Korea", "MX": "Mexico", "NG": "Nigeria", "NL": "Netherlands",
    "NO": "Norway", "NZ": "New Zealand", "PK": "Pakistan", "PL": "Poland", "PT": "Portugal",
    "SE": "Sweden", "SG": "Singapore", "TR": "Türkiye", "US": "United States",
    "ZA": "South Africa",
}
COUNTRY_CHOICES = [SelectChoice("", "Choose a country…")] + [
    SelectChoice(code, name) for code, name in sorted(COUNTRIES.items(), key=lambda i: i[1])
]
