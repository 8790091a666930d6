"""The marketplaces Skuport knows (SPAPI.md §1.5), as data seeded into the marketplaces table."""

from __future__ import annotations

# (marketplace id, code, ISO country, name, region, currency)
MARKETPLACES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("ATVPDKIKX0DER", "US", "US", "Amazon.com", "NA", "USD"),
    ("A2EUQ1WTGCTBG2", "CA", "CA", "Amazon.ca", "NA", "CAD"),
    ("A1AM78C64UM0Y8", "MX", "MX", "Amazon.com.mx", "NA", "MXN"),
    ("A2Q3Y263D00KWC", "BR", "BR", "Amazon.com.br", "NA", "BRL"),
    ("A1F83G8C2ARO7P", "UK", "GB", "Amazon.co.uk", "EU", "GBP"),
    ("A1PA6795UKMFR9", "DE", "DE", "Amazon.de", "EU", "EUR"),
    ("A13V1IB3VIYZZH", "FR", "FR", "Amazon.fr", "EU", "EUR"),
    ("APJ6JRA9NG5V4", "IT", "IT", "Amazon.it", "EU", "EUR"),
    ("A1RKKUPIHCS9HS", "ES", "ES", "Amazon.es", "EU", "EUR"),
    ("A1805IZSGTT6HS", "NL", "NL", "Amazon.nl", "EU", "EUR"),
    ("A2NODRKZP88ZB9", "SE", "SE", "Amazon.se", "EU", "SEK"),
    ("A1C3SOZRARQ6R3", "PL", "PL", "Amazon.pl", "EU", "PLN"),
    ("AMEN7PMS3EDWL", "BE", "BE", "Amazon.com.be", "EU", "EUR"),
    ("A28R8C7NBKEWEA", "IE", "IE", "Amazon.ie", "EU", "EUR"),
    ("A33AVAJ2PDY3EV", "TR", "TR", "Amazon.com.tr", "EU", "TRY"),
    ("A2VIGQ35RCS4UG", "AE", "AE", "Amazon.ae", "EU", "AED"),
    ("A17E79C6D8DWNP", "SA", "SA", "Amazon.sa", "EU", "SAR"),
    ("ARBP9OOSHTCHU", "EG", "EG", "Amazon.eg", "EU", "EGP"),
    ("A21TJRUUN4KGV", "IN", "IN", "Amazon.in", "EU", "INR"),
    ("AE08WJ6YKNBMC", "ZA", "ZA", "Amazon.co.za", "EU", "ZAR"),
    ("A1VC38T7YXB528", "JP", "JP", "Amazon.co.jp", "FE", "JPY"),
    ("A39IBJ37TRP1C6", "AU", "AU", "Amazon.com.au", "FE", "AUD"),
    ("A19VAU5U5O7RUS", "SG", "SG", "Amazon.sg", "FE", "SGD"),
)

# Destinations inside the European Union, for the EU tax rules of OR-6.
EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)

DEFAULT_TIMEZONES = {"NA": "America/Los_Angeles", "EU": "Europe/London", "FE": "Asia/Tokyo"}
