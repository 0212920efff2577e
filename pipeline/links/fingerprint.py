"""The fingerprint of a post's text: equal for copies that differ only in noise.

Normalising removes a leading ``RT @handle:``, URLs, @handles, hashtag signs (the word stays), accents,
case, punctuation and emoji (anything that is not a letter or digit), and collapses white space. Texts of
fewer than ``min_words`` words after that have no fingerprint: short texts ("thanks!", "@brand storing?")
are too common to be copies of each other. The fingerprint is a hash of the normalised text, so it is cheap
to send as a Kafka key; posts with the same fingerprint land on the same partition.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_RETWEET = re.compile(r"^\s*RT\s+@\w[\w.-]*\s*:?\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@\w[\w.-]*")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The text without noise: lower-case words without accents, separated by single spaces."""
    text = _HANDLE.sub(" ", _URL.sub(" ", _RETWEET.sub("", text)))
    folded = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in folded if not unicodedata.combining(char)).lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def fingerprint(text: str, min_words: int) -> str | None:
    """A short hash of the normalised text, or None when it has fewer than ``min_words`` words."""
    normal = normalise(text)
    if len(normal.split()) < min_words:
        return None
    return hashlib.blake2b(normal.encode(), digest_size=12).hexdigest()
