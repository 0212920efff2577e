"""Retention of mention indices: an ILM policy on Elasticsearch, an ISM policy on OpenSearch.

Monthly indices are never rolled over; the policy only deletes an index once it is older than the
retention plus one month (a month's index is created when its first post arrives, so every post is kept
for at least ``retention_days``). Both policies carry a version and the retention, and are installed
idempotently like the template.
"""

from __future__ import annotations

import re
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from sinks.index_template import Install, install_decision
from sinks.indices import index_pattern
from sinks.search_client import Engine

POLICY_VERSION = 1
MONTH_DAYS = 31
_JSON = {"accept": "application/json", "content-type": "application/json"}
_ISM_DESCRIPTION = re.compile(r"lifecycle v(?P<version>\d+), retention (?P<retention>\d+) days")


def delete_after(retention_days: int) -> str:
    """The index age at which the policy deletes a monthly index."""
    return f"{retention_days + MONTH_DAYS}d"


def ilm_policy(retention_days: int) -> dict[str, Any]:
    """The Elasticsearch ILM policy."""
    return {
        "_meta": {"managed_by": "webcare", "version": POLICY_VERSION, "retention_days": retention_days},
        "phases": {
            "hot": {"min_age": "0ms", "actions": {}},
            "delete": {"min_age": delete_after(retention_days), "actions": {"delete": {}}},
        },
    }


def ism_policy(family: str, retention_days: int) -> dict[str, Any]:
    """The OpenSearch ISM policy; its ``ism_template`` attaches it to each new monthly index."""
    after = delete_after(retention_days)
    return {
        "description": (
            f"webcare {family} lifecycle v{POLICY_VERSION}, retention {retention_days} days: "
            f"indices are deleted {after} after creation"
        ),
        "default_state": "hot",
        "states": [
            {
                "name": "hot",
                "actions": [],
                "transitions": [{"state_name": "delete", "conditions": {"min_index_age": after}}],
            },
            {"name": "delete", "actions": [{"delete": {}}], "transitions": []},
        ],
        "ism_template": [{"index_patterns": [index_pattern(family)], "priority": len(family)}],
    }


def _decide(installed: tuple[int, int] | None, retention_days: int) -> Install:
    if installed is not None and installed[0] == POLICY_VERSION and installed[1] != retention_days:
        return Install.upgraded  # same policy, new retention setting
    return install_decision(None if installed is None else installed[0], POLICY_VERSION)


def _report(kind: str, family: str, decision: Install, installed: tuple[int, int] | None, days: int) -> str:
    if decision is Install.kept_newer and installed is not None:
        return (
            f"warning: {kind} policy {family} version {installed[0]} is newer than this release's "
            f"version {POLICY_VERSION}; left alone"
        )
    return f"{kind} policy {family}: {decision} (version {POLICY_VERSION}, retention {days} days)"


def _apply_ilm(client: Elasticsearch, family: str, retention_days: int) -> str:
    try:
        meta = client.ilm.get_lifecycle(name=family)[family]["policy"].get("_meta", {})
        installed = (int(meta.get("version", 0)), int(meta.get("retention_days", 0)))
    except NotFoundError:
        installed = None
    decision = _decide(installed, retention_days)
    if decision in (Install.created, Install.upgraded):
        client.ilm.put_lifecycle(name=family, policy=ilm_policy(retention_days))
    return _report("ILM", family, decision, installed, retention_days)


def _apply_ism(client: Elasticsearch, family: str, retention_days: int) -> str:
    path = f"/_plugins/_ism/policies/{family}"
    params: dict[str, Any] = {}
    try:
        found = client.perform_request("GET", path, headers=_JSON).body
    except NotFoundError:
        installed = None
    except BadRequestError as error:
        if "no handler found" not in str(error.body):
            raise
        return (
            "warning: this OpenSearch has no Index State Management plugin: retention is not enforced "
            "(install opensearch-index-management, then run setup again)"
        )
    else:
        described = _ISM_DESCRIPTION.search(found["policy"].get("description", ""))
        installed = (int(described["version"]), int(described["retention"])) if described else (0, 0)
        params = {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}
    decision = _decide(installed, retention_days)
    if decision in (Install.created, Install.upgraded):
        body = {"policy": ism_policy(family, retention_days)}
        client.perform_request("PUT", path, params=params, headers=_JSON, body=body)
    return _report("ISM", family, decision, installed, retention_days)


def apply_lifecycle(client: Elasticsearch, engine: Engine, family: str, retention_days: int) -> str:
    """Install the retention policy if absent or older; return what happened, as a line for the user."""
    if engine == "elasticsearch":
        return _apply_ilm(client, family, retention_days)
    return _apply_ism(client, family, retention_days)
