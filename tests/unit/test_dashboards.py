"""The dashboard saved objects, the panels' Query DSL and the ready queries, checked without a server.

No Kibana or OpenSearch Dashboards runs here: these tests check that the NDJSON files parse, that every
reference resolves inside the file, and that every field a panel, a query or a filter names exists in the
mapping of the index it reads (and can be aggregated where it is aggregated). The panels' and queries'
requests themselves run on the real OpenSearch node in tests/integration/test_queries.py.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sinks.field_reference import AGGREGATABLE, alerts_fields, mentions_fields

ROOT = Path(__file__).resolve().parents[2]


def _load_generator():  # deploy/ is not an installed package
    spec = importlib.util.spec_from_file_location(
        "deploy_kibana_generate", ROOT / "deploy/kibana/generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load_generator()
FILES = {"kibana": generate.KIBANA_FILE, "osd": generate.OSD_FILE}
FIELDS = {"webcare-mentions": mentions_fields(), "webcare-alerts": alerts_fields()}
DSL_LEAVES = {"term", "terms", "range", "prefix", "match", "match_phrase", "wildcard"}
"""Query DSL clauses whose keys are field names."""
KQL_FIELD = re.compile(r"([A-Za-z_][\w.]*)\s*:")


def objects(kind: str) -> list[dict[str, Any]]:
    lines = FILES[kind].read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_committed_files_are_what_the_generator_writes() -> None:
    files = generate.generated_files()
    on_disk = set(generate.PANELS_DIR.glob("*.json")) | set(FILES.values())
    assert set(files) == on_disk, "run: python -m deploy.kibana.generate"
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: python -m deploy.kibana.generate"


@pytest.mark.parametrize("kind", FILES)
def test_ids_are_unique_and_every_reference_resolves_in_the_file(kind: str) -> None:
    items = objects(kind)
    keys = [(item["type"], item["id"]) for item in items]
    assert len(keys) == len(set(keys))
    for item in items:
        for reference in item["references"]:
            assert (reference["type"], reference["id"]) in keys, (item["id"], reference)
    assert {item["type"] for item in items} >= {"index-pattern", "dashboard", "visualization", "search"}


@pytest.mark.parametrize("kind", FILES)
def test_every_dashboard_panel_is_an_object_of_the_file(kind: str) -> None:
    (dashboard,) = [item for item in objects(kind) if item["type"] == "dashboard"]
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    references = {reference["name"]: reference for reference in dashboard["references"]}
    found = set()
    for panel in panels:
        name = panel["panelRefName"]
        reference = references[f"{panel['panelIndex']}:{name}" if kind == "kibana" else name]
        found.add(reference["id"])
        assert panel["gridData"]["x"] + panel["gridData"]["w"] <= 48
    assert found == {panel.id for panel in generate.PANELS}
    titles = {item["attributes"]["title"] for item in objects(kind) if item["type"] == "index-pattern"}
    assert titles == set(FIELDS)


def dsl_fields(body: Any) -> Iterator[tuple[str, bool]]:
    """(field, aggregated?) for every field a Query DSL body names."""
    if isinstance(body, list):
        for item in body:
            yield from dsl_fields(item)
        return
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        if key in ("aggs", "aggregations"):
            yield from dsl_fields(list(value.values()))  # keys are aggregation names
        elif key in ("exists", "significant_text"):
            yield value["field"], False  # not a bucket or metric: any mapped field will do
        elif key in DSL_LEAVES and isinstance(value, dict) and "field" not in value:
            yield from ((name, False) for name in value)  # a query: keys are field names
        elif key in ("field", "path") and isinstance(value, str):
            yield value, key == "field"
        elif key == "_source":
            yield from ((name, False) for name in value)
        elif key == "sort":
            yield from ((name, True) for item in value for name in item)
        else:
            yield from dsl_fields(value)


def saved_object_fields(item: dict[str, Any], views: dict[str, str]) -> Iterator[tuple[str, str, bool]]:
    """(data view title, field, aggregated?) for every field a saved object names."""
    attributes = item["attributes"]
    reference_views = [views[r["id"]] for r in item["references"] if r["type"] == "index-pattern"]
    view = reference_views[0] if reference_views else None
    source = json.loads(attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
    queries = [source.get("query", {}).get("query", "")]
    if item["type"] == "lens":
        layers = attributes["state"]["datasourceStates"]["formBased"]["layers"].values()
        for column in (c for layer in layers for c in layer["columns"].values()):
            if column["sourceField"] != generate.RECORDS:
                yield view, column["sourceField"], True
        queries.append(attributes["state"]["query"]["query"])
    elif item["type"] == "search":
        yield from ((view, name, False) for name in attributes["columns"])
        yield from ((view, name, True) for name, _order in attributes["sort"])
    elif item["type"] == "visualization":
        vis = json.loads(attributes["visState"])
        if vis["type"] == "vega":
            url = json.loads(vis["params"]["spec"])["data"]["url"]
            yield from ((url["index"], name, agg) for name, agg in dsl_fields(url["body"]))
        yield from ((view, agg["params"]["field"], True) for agg in vis["aggs"] if "field" in agg["params"])
    for query in queries:
        yield from ((view, name, False) for name in KQL_FIELD.findall(query))


@pytest.mark.parametrize("kind", FILES)
def test_every_field_a_saved_object_names_is_mapped(kind: str) -> None:
    items = objects(kind)
    views = {item["id"]: item["attributes"]["title"] for item in items if item["type"] == "index-pattern"}
    used = [used for item in items for used in saved_object_fields(item, views)]
    assert len(used) > 30
    for view, name, aggregated in used:
        kind_of_field = FIELDS[view].get(name)
        assert kind_of_field is not None, f"{name} is not a field of {view}"
        assert not aggregated or kind_of_field in AGGREGATABLE, f"{name} ({kind_of_field}) is aggregated"


def request_files() -> list[tuple[str, str, dict[str, Any]]]:
    panels = [json.loads(path.read_text()) for path in sorted(generate.PANELS_DIR.glob("*.json"))]
    queries = sorted((ROOT / "deploy" / "queries").glob("*.json"))
    return [(p["title"], p["index"], p["body"]) for p in panels] + [
        (path.stem, "webcare-mentions", json.loads(path.read_text())) for path in queries
    ]


@pytest.mark.parametrize(("name", "index", "body"), request_files(), ids=[n for n, _i, _b in request_files()])
def test_every_field_a_panel_or_ready_query_names_is_mapped(name: str, index: str, body: dict) -> None:
    for field, aggregated in dsl_fields(body):
        kind_of_field = FIELDS[index].get(field)
        assert kind_of_field is not None, f"{name}: {field} is not a field of {index}"
        assert not aggregated or kind_of_field in AGGREGATABLE, f"{name}: {field} ({kind_of_field})"


def test_there_are_ten_ready_queries_each_documented() -> None:
    names = sorted(path.name for path in (ROOT / "deploy" / "queries").glob("*.json"))
    assert len(names) == 10
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert all(f"deploy/queries/{name}" in doc for name in names)


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers like the _import API does on success and keeps what it was sent."""

    seen: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.seen.append((self.path, dict(self.headers), body))
        answer = json.dumps({"success": True, "successCount": body.count(b'"type":')}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("kind", "xsrf", "env", "authorization", "prefix"),
    [
        (
            "kibana",
            "kbn-xsrf",
            {"DASHBOARDS_API_KEY": "k3y", "KIBANA_SPACE": "care"},
            "ApiKey k3y",
            "/s/care",
        ),
        (
            "osd",
            "osd-xsrf",
            {"DASHBOARDS_USERNAME": "ann", "DASHBOARDS_PASSWORD": "pw"},
            "Basic YW5uOnB3",
            "",
        ),
        ("osd", "osd-xsrf", {}, None, ""),
    ],
)
def test_the_import_script_posts_the_file_with_the_xsrf_header_and_credentials(
    recorder: str, kind: str, xsrf: str, env: dict[str, str], authorization: str | None, prefix: str
) -> None:
    script = ROOT / "deploy" / "kibana" / "import.sh"
    done = subprocess.run(
        ["bash", str(script), kind, recorder], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    ((path, headers, body),) = Recorder.seen
    assert path == f"{prefix}/api/saved_objects/_import?overwrite=true"
    assert headers[xsrf] == "true" and headers.get("Authorization") == authorization
    assert headers["Content-Type"].startswith("multipart/form-data")
    assert FILES[kind].read_bytes() in body
    assert b"imported" in done.stderr
