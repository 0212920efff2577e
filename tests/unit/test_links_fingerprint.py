"""Text fingerprints: copies that differ only in noise share one; short texts have none."""

from __future__ import annotations

import pytest

from pipeline.links.fingerprint import fingerprint, normalise

BASE = "Storing bij Kabelkat in Utrecht, al twee uur geen internet"


def test_normalise_strips_noise() -> None:
    text = "RT @sanne_utrecht: Storing bij @KabelKat in Utrécht!! al twee uur geen internet 😡 #storing https://t.co/x1"
    assert normalise(text) == "storing bij in utrecht al twee uur geen internet storing"


@pytest.mark.parametrize(
    "copy",
    [
        BASE,
        "RT @sanne: " + BASE,
        "STORING bij Kabelkat in Utrecht!!! Al twee uur geen internet 😡",
        "@kabelkat Storing bij Kabelkat in Utrecht... al twee uur geen internet https://t.co/abc",
        "Storing bij #Kabelkat in Utrécht, al twee uur géén internet",
    ],
)
def test_copies_share_the_fingerprint(copy: str) -> None:
    assert fingerprint(copy, 5) == fingerprint(BASE, 5)


def test_different_texts_differ() -> None:
    assert fingerprint("Storing bij Kabelkat in Leiden, al twee uur geen internet", 5) != fingerprint(BASE, 5)


def test_short_texts_have_no_fingerprint() -> None:
    assert fingerprint("@kabelkat storing?? 😡 https://t.co/x", 3) is None
    assert fingerprint("dank je wel voor de hulp", 5) is not None
    assert fingerprint("dank je wel!", 5) is None
