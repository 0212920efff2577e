"""Turning raw message bytes into a RawPost, with a reason a person can act on when that fails."""

from __future__ import annotations

import json

from pydantic import ValidationError

from schemas.posts import RawPost


class InvalidPost(ValueError):
    """The bytes are not a valid RawPost; the message says why."""


def decode_raw_post(data: bytes | None) -> RawPost:
    """Parse one message or JSON line into a RawPost, or raise InvalidPost with the reason."""
    if not data:
        raise InvalidPost("empty message: no value (a null value, e.g. a tombstone, or zero bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidPost(f"not valid UTF-8: {error.reason} at byte {error.start}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidPost(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise InvalidPost("not valid JSON: nested too deeply") from None
    if not isinstance(document, dict):
        raise InvalidPost(f"not a JSON object: got {type(document).__name__}")
    try:
        return RawPost.model_validate(document)
    except ValidationError as error:
        raise InvalidPost(f"not a valid RawPost: {describe_validation_error(error)}") from None
    except RecursionError:
        raise InvalidPost("not a valid RawPost: nested too deeply") from None


def describe_validation_error(error: ValidationError) -> str:
    """Pydantic's errors as 'field: message; field: message'."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or '(document)'}: {problem['msg']}"
        for problem in error.errors()
    )
