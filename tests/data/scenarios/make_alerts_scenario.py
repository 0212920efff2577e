"""Writes ``alerts.jsonl``: a deterministic scenario for the spike-alert tests.

Run ``python tests/data/scenarios/make_alerts_scenario.py``. Timeline from 08:00 UTC (minutes):

- 0-80: normal chatter: zero to two Kabelkat mentions a minute, about one on average (questions, praise,
  neutral remarks), and one Wattwolk mention every two minutes;
- 80-90: an outage burst: six Kabelkat posts a minute about an "internetstoring", negative, outage intent;
- 90-130: normal chatter again.

Nothing is random: the jitter and the template order come from the post number.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
BURST_FROM, BURST_TO, END = 80, 90, 130
BURST_PER_MINUTE = 6
NORMAL_PER_MINUTE = (1, 1, 0, 2, 1, 1, 0, 1, 2, 1, 1, 0, 2)
CITIES = ("Utrecht", "Delft", "Leiden", "Zwolle", "Breda", "Haarlem", "Arnhem")

NORMAL_KABELKAT = (
    "Vraagje aan Kabelkat: kan ik mijn abonnement online aanpassen?",
    "Net overgestapt naar Kabelkat, installatie ging prima",
    "Does Kabelkat offer a student discount?",
    "Hoe lang duurt het om een nummer over te zetten naar Kabelkat?",
    "Kabelkat heeft mijn vraag snel beantwoord, top service",
    "Thinking about switching to Kabelkat, any experiences?",
    "Kabelkat Thuis pakket besteld vandaag",
)
NORMAL_WATTWOLK = (
    "Wattwolk app werkt lekker snel sinds de update",
    "Hoe lees ik mijn meterstand door aan Wattwolk?",
    "Is Wattwolk Groen echt groene stroom?",
)
BURST_KABELKAT = (
    "Internetstoring Kabelkat? Hier in {city} ligt alles plat, heel vervelend",
    "Internetstoring bij Kabelkat in {city}? Alles ligt eruit, super irritant",
    "Kabelkat internetstoring in {city}? Geen internet en geen tv, echt slecht",
)


def _post(number: int, when: datetime, text: str) -> dict[str, object]:
    return {
        "id": f"twitter:alerts-{number:05d}",
        "source": "twitter",
        "author": {"id": f"twitter-alerts-u{number % 97}", "handle": f"user{number % 97}"},
        "text": text,
        "created_at": when.isoformat().replace("+00:00", "Z"),
        "lang_hint": None,
    }


def scenario() -> list[dict[str, object]]:
    """The posts, in time order."""
    timed: list[tuple[datetime, str]] = []
    for minute in range(END):
        base = START + timedelta(minutes=minute)
        for slot in range(NORMAL_PER_MINUTE[minute % len(NORMAL_PER_MINUTE)]):
            index = minute * 2 + slot
            offset = timedelta(seconds=(minute * 17 + slot * 23) % 50)
            timed.append((base + offset, NORMAL_KABELKAT[index % len(NORMAL_KABELKAT)]))
        if minute % 2 == 0:
            timed.append(
                (base + timedelta(seconds=55), NORMAL_WATTWOLK[(minute // 2) % len(NORMAL_WATTWOLK)])
            )
        if BURST_FROM <= minute < BURST_TO:
            for slot in range(BURST_PER_MINUTE):
                index = minute * BURST_PER_MINUTE + slot
                text = BURST_KABELKAT[index % len(BURST_KABELKAT)].format(city=CITIES[index % len(CITIES)])
                timed.append((base + timedelta(seconds=slot * 10 + 3), text))
    timed.sort(key=lambda item: item[0])
    return [_post(number, when, text) for number, (when, text) in enumerate(timed)]


def main() -> None:
    path = Path(__file__).with_name("alerts.jsonl")
    lines = [
        json.dumps({k: v for k, v in post.items() if v is not None}, ensure_ascii=False)
        for post in scenario()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
