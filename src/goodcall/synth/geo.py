"""Where the synthetic customers live, which time zone and language goes with it.

Assumptions (documented so a reader can argue with them):

* Canada (96.5 % of customers): provinces in proportion to Statistics Canada's 2024 population
  estimates (ON 39 %, QC 22 %, BC 14 %, AB 12 %, MB 3.7 %, SK 3.1 %, NS 2.7 %, NB 2.2 %, NL 1.3 %,
  PE 0.4 %, territories 0.3 %). One IANA zone per province — Quebec uses ``America/Toronto`` (the
  canonical zone; ``America/Montreal`` is its alias) — except a few known splits: 2 % of Ontario
  customers in the north-west on Central time (``America/Winnipeg``) and 3 % of BC customers in the
  Peace River region on ``America/Dawson_Creek`` (no daylight saving time).
* United States (3 %): Canadians wintering or working south of the border — Florida, Arizona,
  New York, Washington, California, Texas, Vermont, Maine, Michigan — each with its state's zone.
* France (0.5 %): expatriates, ``Europe/Paris``, region ``FR``.
* French: 80 % in Quebec, 30 % in New Brunswick, 3–4 % in Ontario, Manitoba and the Atlantic
  provinces, 1–2 % elsewhere; 20 % of US customers (Quebec snowbirds); all of France (fr-FR).
  Everyone else is served in English (en-CA, or en-US for 60 % of English-speaking US customers).
* Phone numbers use real area codes of the region and the fictional ``555`` exchange (France:
  the ``+33 6 39 98`` range reserved for fiction), so no generated number is a real subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    country: str
    code: str
    share: float  # within its country
    time_zone: str
    french: float  # share served in French
    area_codes: tuple[str, ...]


COUNTRY_SHARES: dict[str, float] = {"CA": 0.965, "US": 0.03, "FR": 0.005}

REGIONS: tuple[Region, ...] = (
    Region("CA", "ON", 39.0, "America/Toronto", 0.035, ("416", "647", "905", "613", "519", "705")),
    Region("CA", "QC", 22.0, "America/Toronto", 0.80, ("514", "438", "450", "418", "819", "581")),
    Region("CA", "BC", 13.9, "America/Vancouver", 0.015, ("604", "778", "250", "236")),
    Region("CA", "AB", 12.0, "America/Edmonton", 0.02, ("403", "780", "587", "825")),
    Region("CA", "MB", 3.7, "America/Winnipeg", 0.03, ("204", "431")),
    Region("CA", "SK", 3.1, "America/Regina", 0.015, ("306", "639")),
    Region("CA", "NS", 2.7, "America/Halifax", 0.03, ("902", "782")),
    Region("CA", "NB", 2.2, "America/Moncton", 0.30, ("506",)),
    Region("CA", "NL", 1.3, "America/St_Johns", 0.01, ("709",)),
    Region("CA", "PE", 0.4, "America/Halifax", 0.03, ("902",)),
    Region("CA", "NT", 0.1, "America/Yellowknife", 0.02, ("867",)),
    Region("CA", "YT", 0.1, "America/Whitehorse", 0.02, ("867",)),
    Region("CA", "NU", 0.1, "America/Iqaluit", 0.02, ("867",)),
    Region("US", "FL", 40.0, "America/New_York", 0.25, ("305", "561", "954", "941")),
    Region("US", "AZ", 12.0, "America/Phoenix", 0.10, ("480", "602")),
    Region("US", "NY", 12.0, "America/New_York", 0.15, ("212", "518", "716")),
    Region("US", "WA", 8.0, "America/Los_Angeles", 0.05, ("206", "360")),
    Region("US", "CA", 8.0, "America/Los_Angeles", 0.05, ("213", "415", "619")),
    Region("US", "TX", 6.0, "America/Chicago", 0.05, ("512", "713")),
    Region("US", "VT", 6.0, "America/New_York", 0.35, ("802",)),
    Region("US", "ME", 4.0, "America/New_York", 0.35, ("207",)),
    Region("US", "MI", 4.0, "America/Detroit", 0.05, ("313", "616")),
    Region("FR", "FR", 1.0, "Europe/Paris", 1.0, ("639",)),
)

# Secondary zones inside a region: (region code, zone, share of the region's customers).
ZONE_SPLITS: tuple[tuple[str, str, float], ...] = (
    ("ON", "America/Winnipeg", 0.02),
    ("BC", "America/Dawson_Creek", 0.03),
)

TIME_ZONES: tuple[str, ...] = tuple(
    dict.fromkeys([r.time_zone for r in REGIONS] + [z for _, z, _ in ZONE_SPLITS])
)
"""Every zone the generator uses; customers carry an index into this tuple while generated."""

US_ENGLISH_SHARE = 0.6  # of English-speaking US customers served in en-US (others en-CA)
