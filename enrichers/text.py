"""Text normalisation shared by the enrichers."""

from __future__ import annotations

import re
import unicodedata

URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<!\w)@\w+")
HASHTAG_SIGN = re.compile(r"(?<!\w)#(?=\w)")


def fold(text: str) -> str:
    """Lower-case and strip accents, so that 'Café' and 'cafe' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def prose(text: str) -> str:
    """The post's running text without URLs and @handles, and hashtags as plain words.

    Each pattern runs only when its mark is in the text (most posts lack one or more of them).
    """
    if "://" in text or "www." in text.casefold():
        text = URL.sub(" ", text)
    if "@" in text:
        text = HANDLE.sub(" ", text)
    return HASHTAG_SIGN.sub("", text) if "#" in text else text
