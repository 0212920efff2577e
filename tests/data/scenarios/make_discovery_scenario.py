"""Writes ``discovery.jsonl``: a deterministic scenario for the term-discovery tests.

Run ``python tests/data/scenarios/make_discovery_scenario.py``. Timeline from 08:00 UTC (minutes):

- 0-70: ordinary talk: a Kabelkat post a minute (subscriptions, the installer, "monteur"), a post about
  Kabelkat's subject without its name every other minute ("wifi", "modem", "dekking"), a Wattwolk post every
  other minute and one off-topic post a minute;
- 70-80: customers suddenly write about a TV and internet outage: five posts a minute, with new words
  ("storing", "zenders", "kastje knippert") and covered ones ("glasvezel", "wifi"), half of them without
  the brand's name;
- 80-100: ordinary talk again (it closes the window of the outage).

Nothing is random: the jitter and the template order come from the post number.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
BURST_FROM, BURST_TO, END = 70, 80, 100
BURST_PER_MINUTE = 5
CITIES = ("Utrecht", "Delft", "Leiden", "Zwolle", "Breda", "Haarlem", "Arnhem")

KABELKAT = (
    "Vraagje aan Kabelkat: kan ik mijn abonnement online aanpassen?",
    "De monteur van Kabelkat komt morgen tussen 8 en 12, benieuwd",
    "Does Kabelkat offer a student discount?",
    "Net overgestapt naar Kabelkat, de monteur was super vriendelijk",
    "Kabelkat heeft mijn vraag snel beantwoord, top service",
    "Thinking about switching to Kabelkat, any experiences?",
    "Kabelkat Thuis pakket besteld, monteur komt volgende week",
)
KABELKAT_SUBJECT = (
    "Mijn wifi is 's avonds best traag, iemand tips?",
    "Welke modem raden jullie aan voor een groot huis?",
    "Hoe is de dekking in {city} eigenlijk?",
    "Is there a good router for a small flat?",
)
WATTWOLK = (
    "Wattwolk app werkt lekker snel sinds de update",
    "Hoe lees ik mijn meterstand door aan Wattwolk?",
    "Is Wattwolk Groen echt groene stroom?",
)
CHATTER = (
    "Mooi weer vandaag in {city}, terras op!",
    "Wie kijkt er vanavond voetbal?",
    "Lekker gefietst vanochtend langs de rivier",
    "Nieuwe koffiebar geopend in {city}, aanrader",
    "Great concert last night, what a band",
)
BURST = (
    "Kabelkat storing in {city}? Geen tv zenders meer en het kastje knippert rood",
    "Al een uur geen tv zenders, kastje knippert rood. Glasvezel storing in {city}?",
    "Is er een storing bij Kabelkat? Wifi kwijt en het kastje knippert rood in {city}",
    "Glasvezel storing hier in {city}, alle tv zenders weg",
    "Storing? Wifi kwijt, geen zenders, kastje knippert rood. Iemand anders in {city}?",
)


def _post(number: int, when: datetime, text: str) -> dict[str, object]:
    return {
        "id": f"twitter:discovery-{number:05d}",
        "source": "twitter",
        "author": {"id": f"twitter-discovery-u{number % 89}", "handle": f"user{number % 89}"},
        "text": text,
        "created_at": when.isoformat().replace("+00:00", "Z"),
    }


def _pick(templates: tuple[str, ...], index: int) -> str:
    return templates[index % len(templates)].format(city=CITIES[index % len(CITIES)])


def scenario() -> list[dict[str, object]]:
    """The posts, in time order."""
    timed: list[tuple[datetime, str]] = []
    for minute in range(END):
        base = START + timedelta(minutes=minute)
        timed.append((base + timedelta(seconds=(minute * 17) % 40), _pick(KABELKAT, minute)))
        timed.append((base + timedelta(seconds=45), _pick(CHATTER, minute)))
        if minute % 2 == 0:
            timed.append((base + timedelta(seconds=50), _pick(WATTWOLK, minute // 2)))
        else:
            timed.append((base + timedelta(seconds=50), _pick(KABELKAT_SUBJECT, minute // 2)))
        if BURST_FROM <= minute < BURST_TO:
            for slot in range(BURST_PER_MINUTE):
                index = minute * BURST_PER_MINUTE + slot
                timed.append((base + timedelta(seconds=slot * 11 + 2), _pick(BURST, index)))
    timed.sort(key=lambda item: item[0])
    return [_post(number, when, text) for number, (when, text) in enumerate(timed)]


def main() -> None:
    path = Path(__file__).with_name("discovery.jsonl")
    lines = [json.dumps(post, ensure_ascii=False) for post in scenario()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
