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
    """The post's running text without URLs and @handles, and hashtags as plain words."""
    without_urls = URL.sub(" ", text)
    without_handles = HANDLE.sub(" ", without_urls)
    return HASHTAG_SIGN.sub("", without_handles)
