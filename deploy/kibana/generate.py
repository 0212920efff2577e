"""Generate the dashboard saved objects and the Query DSL of every panel from one list of panels.

Writes ``deploy/kibana/webcare.ndjson`` (Kibana 8.9+ and 9.x: data views, Lens, Vega, a saved search and
a dashboard), ``deploy/opensearch-dashboards/webcare.ndjson`` (OpenSearch Dashboards: index patterns,
classic visualizations, Vega, a saved search and a dashboard) and ``deploy/kibana/panels/<id>.json`` (each
panel's query and aggregations as Query DSL, run by the tests on the real node). Run from the repository
root after changing a panel: ``python -m deploy.kibana.generate``; a unit test fails while the committed
files differ from what this writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]
KIBANA_FILE = ROOT / "deploy" / "kibana" / "webcare.ndjson"
OSD_FILE = ROOT / "deploy" / "opensearch-dashboards" / "webcare.ndjson"
PANELS_DIR = ROOT / "deploy" / "kibana" / "panels"

DATA_VIEWS = {"mentions": "webcare-mentions", "alerts": "webcare-alerts"}
"""Data view id and title (the read alias of the mentions, the alerts index); both keyed on created_at."""
DASHBOARD_ID = "webcare-dashboard"
RECORDS = "___records___"
"""Lens's pseudo field of the count operation."""
SEARCH_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"

Chart = Literal["bars_over_time", "bars", "donut", "table", "vega", "search"]


@dataclass(frozen=True)
class Bucket:
    """A terms or date-histogram bucket on a field."""

    field: str
    size: int = 10
    date: bool = False
    missing: str | None = None
    """Label of a bucket for documents without the field; None leaves them out."""


@dataclass(frozen=True)
class Metric:
    """Count of documents, or a statistic of a numeric field."""

    label: str
    op: Literal["count", "percentile", "max"] = "count"
    field: str | None = None
    percentile: int = 50


@dataclass(frozen=True)
class Panel:
    """One dashboard panel: what it shows, where, and its query."""

    id: str
    title: str
    chart: Chart
    grid: tuple[int, int, int, int]
    view: Literal["mentions", "alerts"] = "mentions"
    buckets: tuple[Bucket, ...] = ()
    metrics: tuple[Metric, ...] = (Metric("Mentions"),)
    kql: str = ""
    query: dict[str, Any] = field(default_factory=dict)
    """The Query DSL of ``kql``: what the panel's own query adds to the dashboard's time range and filters."""
    columns: tuple[str, ...] = ()
    sort: tuple[str, str] = ("created_at", "desc")
    body: dict[str, Any] = field(default_factory=dict)
    """Vega: the request body; ``%...%`` placeholders are filled in by Kibana / OSD."""


NEGATIVE_TERMS_BODY = {
    "size": 0,
    "query": {
        "bool": {
            "must": ["%dashboard_context-must_clause%", {"term": {"sentiment.label": "negative"}}],
            "filter": [
                "%dashboard_context-filter_clause%",
                {"range": {"created_at": {"%timefilter%": True}}},
            ],
            "must_not": ["%dashboard_context-must_not_clause%"],
        }
    },
    "aggs": {
        "sample": {
            "sampler": {"shard_size": 1000},
            "aggs": {
                "significant": {
                    "significant_text": {"field": "text.folded", "size": 20, "filter_duplicate_text": True}
                }
            },
        }
    },
}

PANELS: tuple[Panel, ...] = (
    Panel(
        "webcare-volume-per-brand",
        "Mentions per brand over time",
        "bars_over_time",
        (0, 0, 32, 15),
        buckets=(Bucket("created_at", date=True), Bucket("brand_names", 10)),
    ),
    Panel(
        "webcare-intents",
        "What people want (intent)",
        "donut",
        (32, 0, 16, 15),
        buckets=(Bucket("intent.label", 10),),
    ),
    Panel(
        "webcare-sentiment-per-brand",
        "Sentiment per brand",
        "bars",
        (0, 15, 24, 15),
        buckets=(Bucket("brand_names", 10), Bucket("sentiment.label", 3)),
    ),
    Panel(
        "webcare-negative-terms",
        "Top terms in negative mentions (significant_text on text.folded)",
        "vega",
        (24, 15, 24, 15),
        body=NEGATIVE_TERMS_BODY,
    ),
    Panel(
        "webcare-response-times",
        "Time to first response per team and channel (seconds)",
        "table",
        (0, 30, 24, 15),
        buckets=(Bucket("routing.team", 20, missing="(no team)"), Bucket("source", 20)),
        metrics=(
            Metric("Median seconds", "percentile", "response_seconds", 50),
            Metric("90th percentile seconds", "percentile", "response_seconds", 90),
            Metric("Answered mentions"),
        ),
        kql="response_seconds:*",
        query={"exists": {"field": "response_seconds"}},
    ),
    Panel(
        "webcare-alerts-over-time",
        "Spike alerts per brand",
        "bars_over_time",
        (24, 30, 24, 15),
        view="alerts",
        buckets=(Bucket("created_at", date=True), Bucket("brand", 10)),
        metrics=(Metric("Alerts"),),
        kql='kind:"spike"',
        query={"term": {"kind": "spike"}},
    ),
    Panel(
        "webcare-alerts-table",
        "Alerts by brand, dimension and term",
        "table",
        (0, 45, 24, 15),
        view="alerts",
        buckets=(Bucket("brand", 20), Bucket("dimension", 5), Bucket("key", 20, missing="(all)")),
        metrics=(Metric("Spike alerts"), Metric("Highest window count", "max", "count")),
        kql='kind:"spike"',
        query={"term": {"kind": "spike"}},
    ),
    Panel(
        "webcare-unanswered",
        "Unanswered mentions, highest priority first",
        "search",
        (24, 45, 24, 15),
        kql="brand_names:* and not first_response_at:* and not author.is_brand_account:true",
        query={
            "bool": {
                "filter": [{"exists": {"field": "brand_names"}}],
                "must_not": [
                    {"exists": {"field": "first_response_at"}},
                    {"term": {"author.is_brand_account": True}},
                ],
            }
        },
        columns=(
            "priority",
            "source",
            "brand_names",
            "language",
            "sentiment.label",
            "intent.label",
            "routing.team",
            "author.handle",
            "text",
        ),
        sort=("priority", "desc"),
    ),
)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# ---- Query DSL (what each panel asks the engine) ----


def _bucket_dsl(bucket: Bucket) -> dict[str, Any]:
    if bucket.date:
        return {"date_histogram": {"field": bucket.field, "fixed_interval": "3h", "min_doc_count": 1}}
    terms: dict[str, Any] = {"field": bucket.field, "size": bucket.size}
    if bucket.missing is not None:
        terms["missing"] = bucket.missing
    return {"terms": terms}


def _metric_dsl(metric: Metric) -> dict[str, Any]:
    if metric.op == "percentile":
        return {"percentiles": {"field": metric.field, "percents": [metric.percentile]}}
    return {"max": {"field": metric.field}}


def _aggs(buckets: tuple[Bucket, ...], metrics: tuple[Metric, ...]) -> dict[str, Any]:
    if not buckets:
        return {f"m{number}": _metric_dsl(m) for number, m in enumerate(metrics) if m.op != "count"}
    aggregation = _bucket_dsl(buckets[0])
    inner = _aggs(buckets[1:], metrics)
    if inner:
        aggregation["aggs"] = inner
    return {buckets[0].field.replace(".", "_"): aggregation}


def panel_request(panel: Panel) -> dict[str, Any]:
    """The panel as a search request: index (the data view's title) and body."""
    if panel.chart == "vega":
        return {"title": panel.title, "index": DATA_VIEWS[panel.view], "body": panel.body}
    body: dict[str, Any] = {"query": panel.query or {"match_all": {}}}
    if panel.chart == "search":
        body |= {"size": 50, "sort": [{panel.sort[0]: panel.sort[1]}], "_source": list(panel.columns)}
    else:
        body |= {"size": 0, "aggs": _aggs(panel.buckets, panel.metrics)}
    return {"title": panel.title, "index": DATA_VIEWS[panel.view], "body": body}


# ---- Vega (Kibana and OSD alike) ----


def vega_spec(panel: Panel) -> str:
    """A Vega-Lite horizontal bar chart of the significant terms (JSON is valid HJSON)."""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": panel.title,
        "data": {
            "url": {"index": DATA_VIEWS[panel.view], "body": panel.body},
            "format": {"property": "aggregations.sample.significant.buckets"},
        },
        "mark": "bar",
        "encoding": {
            "y": {"field": "key", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "doc_count", "type": "quantitative", "title": "negative mentions"},
            "tooltip": [{"field": "key"}, {"field": "doc_count"}, {"field": "score", "format": ".2f"}],
        },
    }
    return json.dumps(spec, indent=2)


def _search_source(kql: str, with_index: bool) -> str:
    source: dict[str, Any] = {"query": {"query": kql, "language": "kuery"}, "filter": []}
    if with_index:
        source["indexRefName"] = SEARCH_REF
    return _json(source)


def _index_reference(panel: Panel) -> list[dict[str, str]]:
    return [{"id": DATA_VIEWS[panel.view], "name": SEARCH_REF, "type": "index-pattern"}]


def _vega_attributes(panel: Panel) -> dict[str, Any]:
    vis = {"title": panel.title, "type": "vega", "aggs": [], "params": {"spec": vega_spec(panel)}}
    return {
        "title": panel.title,
        "description": "",
        "version": 1,
        "uiStateJSON": "{}",
        "visState": _json(vis),
        "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source("", with_index=False)},
    }


def _search_attributes(panel: Panel) -> dict[str, Any]:
    return {
        "title": panel.title,
        "description": "",
        "hits": 0,
        "version": 1,
        "columns": list(panel.columns),
        "sort": [list(panel.sort)],
        "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source(panel.kql, with_index=True)},
    }


# ---- Kibana: data views, Lens, dashboard ----


def _lens_bucket(bucket: Bucket, order_by: str) -> dict[str, Any]:
    if bucket.date:
        return {
            "label": bucket.field,
            "dataType": "date",
            "operationType": "date_histogram",
            "sourceField": bucket.field,
            "isBucketed": True,
            "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
        }
    return {
        "label": f"Top {bucket.size} values of {bucket.field}",
        "dataType": "string",
        "operationType": "terms",
        "sourceField": bucket.field,
        "isBucketed": True,
        "scale": "ordinal",
        "params": {
            "size": bucket.size,
            "orderBy": {"type": "column", "columnId": order_by},
            "orderDirection": "desc",
            "otherBucket": True,
            "missingBucket": bucket.missing is not None,
            "parentFormat": {"id": "terms"},
        },
    }


def _lens_metric(metric: Metric) -> dict[str, Any]:
    column: dict[str, Any] = {
        "label": metric.label,
        "customLabel": True,
        "dataType": "number",
        "isBucketed": False,
        "scale": "ratio",
        "params": {"emptyAsNull": True},
    }
    if metric.op == "count":
        return column | {"operationType": "count", "sourceField": RECORDS}
    if metric.op == "percentile":
        params = {"percentile": metric.percentile}
        return column | {"operationType": "percentile", "sourceField": metric.field, "params": params}
    return column | {"operationType": "max", "sourceField": metric.field}


def _lens_visualization(panel: Panel, layer: str, buckets: list[str], metrics: list[str]) -> dict[str, Any]:
    if panel.chart == "donut":
        return {
            "shape": "donut",
            "layers": [
                {
                    "layerId": layer,
                    "layerType": "data",
                    "primaryGroups": buckets,
                    "metrics": metrics,
                    "numberDisplay": "percent",
                    "categoryDisplay": "default",
                    "legendDisplay": "default",
                    "nestedLegend": False,
                }
            ],
        }
    if panel.chart == "table":
        return {
            "layerId": layer,
            "layerType": "data",
            "columns": [{"columnId": column} for column in buckets + metrics],
        }
    xy_layer = {
        "layerId": layer,
        "layerType": "data",
        "seriesType": "bar_stacked",
        "xAccessor": buckets[0],
        "accessors": metrics,
    }
    if len(buckets) > 1:
        xy_layer["splitAccessor"] = buckets[1]
    return {
        "legend": {"isVisible": True, "position": "right"},
        "valueLabels": "hide",
        "preferredSeriesType": "bar_stacked",
        "layers": [xy_layer],
    }


def lens_object(panel: Panel) -> dict[str, Any]:
    """A Lens saved object (Kibana 8.9+ shape) for a bucketed panel."""
    layer = f"{panel.id}-layer"
    metric_ids = [f"{panel.id}-metric-{n}" for n in range(len(panel.metrics))]
    bucket_ids = [f"{panel.id}-bucket-{n}" for n in range(len(panel.buckets))]
    columns = {cid: _lens_bucket(b, metric_ids[0]) for cid, b in zip(bucket_ids, panel.buckets, strict=True)}
    columns |= {cid: _lens_metric(m) for cid, m in zip(metric_ids, panel.metrics, strict=True)}
    visualization_type = {"donut": "lnsPie", "table": "lnsDatatable"}.get(panel.chart, "lnsXY")
    state = {
        "datasourceStates": {
            "formBased": {
                "layers": {
                    layer: {
                        "columns": columns,
                        "columnOrder": bucket_ids + metric_ids,
                        "incompleteColumns": {},
                        "sampling": 1,
                    }
                }
            },
            "textBased": {"layers": {}},
        },
        "visualization": _lens_visualization(panel, layer, bucket_ids, metric_ids),
        "query": {"query": panel.kql, "language": "kuery"},
        "filters": [],
        "internalReferences": [],
        "adHocDataViews": {},
    }
    return {
        "id": panel.id,
        "type": "lens",
        "attributes": {
            "title": panel.title,
            "description": "",
            "visualizationType": visualization_type,
            "state": state,
        },
        "references": [
            {
                "id": DATA_VIEWS[panel.view],
                "name": f"indexpattern-datasource-layer-{layer}",
                "type": "index-pattern",
            }
        ],
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": "8.9.0",
        "managed": False,
    }


_KIBANA_TYPE_VERSION = {"visualization": "8.0.0", "search": "7.9.3"}
_OSD_TYPE_VERSION = {"visualization": "7.10.0", "search": "7.9.3"}


def _shared_object(panel: Panel) -> dict[str, Any]:
    """The Vega visualization or saved search of a panel: the same attributes in Kibana and OSD."""
    if panel.chart == "vega":
        return {
            "id": panel.id,
            "type": "visualization",
            "attributes": _vega_attributes(panel),
            "references": [],
        }
    return {
        "id": panel.id,
        "type": "search",
        "attributes": _search_attributes(panel),
        "references": _index_reference(panel),
    }


def _kibana_panel(panel: Panel) -> dict[str, Any]:
    if panel.chart not in ("vega", "search"):
        return lens_object(panel)
    shared = _shared_object(panel)
    return shared | {
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": _KIBANA_TYPE_VERSION[shared["type"]],
        "managed": False,
    }


def _saved_type(panel: Panel, lens: bool) -> str:
    if panel.chart == "search":
        return "search"
    return "lens" if lens and panel.chart != "vega" else "visualization"


def _grid(panel: Panel) -> dict[str, Any]:
    x, y, w, h = panel.grid
    return {"x": x, "y": y, "w": w, "h": h, "i": panel.id}


def kibana_objects() -> list[dict[str, Any]]:
    """Data views, one object per panel, and the dashboard, in the order Kibana exports them."""
    data_views = [
        {
            "id": view_id,
            "type": "index-pattern",
            "attributes": {
                "title": view_id,
                "name": f"Webcare {name}",
                "timeFieldName": "created_at",
                "fields": "[]",
                "fieldFormatMap": "{}",
                "runtimeFieldMap": "{}",
                "typeMeta": "{}",
            },
            "references": [],
            "coreMigrationVersion": "8.8.0",
            "typeMigrationVersion": "7.11.0",
            "managed": False,
        }
        for name, view_id in DATA_VIEWS.items()
    ]
    panels_json = [
        {
            "version": "8.9.0",
            "type": _saved_type(panel, lens=True),
            "gridData": _grid(panel),
            "panelIndex": panel.id,
            "embeddableConfig": {"enhancements": {}},
            "panelRefName": f"panel_{panel.id}",
        }
        for panel in PANELS
    ]
    dashboard = {
        "id": DASHBOARD_ID,
        "type": "dashboard",
        "attributes": _dashboard_attributes(
            panels_json, '{"useMargins":true,"syncColors":false,"hidePanelTitles":false}'
        ),
        "references": [
            {"id": panel.id, "name": f"{panel.id}:panel_{panel.id}", "type": _saved_type(panel, lens=True)}
            for panel in PANELS
        ],
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": "8.7.0",
        "managed": False,
    }
    return [*data_views, *(_kibana_panel(panel) for panel in PANELS), dashboard]


def _dashboard_attributes(panels_json: list[dict[str, Any]], options: str) -> dict[str, Any]:
    return {
        "title": "Webcare",
        "description": "Webcare mentions: volume, sentiment, intents, top terms, response times, alerts",
        "panelsJSON": _json(panels_json),
        "optionsJSON": options,
        "timeRestore": True,
        "timeFrom": "now-7d",
        "timeTo": "now",
        "refreshInterval": {"pause": False, "value": 60000},
        "version": 1,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source("", with_index=False)},
    }


# ---- OpenSearch Dashboards: index patterns, classic visualizations, dashboard ----

_OSD_VIS_TYPE = {"bars_over_time": "histogram", "bars": "histogram", "donut": "pie", "table": "table"}


def _osd_bucket_agg(number: int, bucket: Bucket, schema: str) -> dict[str, Any]:
    if bucket.date:
        params: dict[str, Any] = {
            "field": bucket.field,
            "interval": "auto",
            "min_doc_count": 1,
            "drop_partials": False,
            "extended_bounds": {},
        }
        return {
            "id": str(number),
            "enabled": True,
            "type": "date_histogram",
            "schema": schema,
            "params": params,
        }
    params = {
        "field": bucket.field,
        "size": bucket.size,
        "order": "desc",
        "orderBy": "1",
        "otherBucket": False,
        "otherBucketLabel": "Other",
        "missingBucket": bucket.missing is not None,
        "missingBucketLabel": bucket.missing or "Missing",
    }
    return {"id": str(number), "enabled": True, "type": "terms", "schema": schema, "params": params}


def _osd_metric_agg(number: int, metric: Metric) -> dict[str, Any]:
    agg: dict[str, Any] = {"id": str(number), "enabled": True, "schema": "metric"}
    if metric.op == "count":
        return agg | {"type": "count", "params": {"customLabel": metric.label}}
    if metric.op == "percentile" and metric.percentile == 50:
        return agg | {"type": "median", "params": {"field": metric.field, "customLabel": metric.label}}
    if metric.op == "percentile":
        params = {"field": metric.field, "percents": [metric.percentile], "customLabel": metric.label}
        return agg | {"type": "percentiles", "params": params}
    return agg | {"type": "max", "params": {"field": metric.field, "customLabel": metric.label}}


def _osd_params(panel: Panel) -> dict[str, Any]:
    if panel.chart == "donut":
        return {
            "type": "pie",
            "addTooltip": True,
            "addLegend": True,
            "legendPosition": "right",
            "isDonut": True,
        }
    if panel.chart == "table":
        return {"perPage": 10, "showPartialRows": False, "showMetricsAtAllLevels": False, "showTotal": False}
    return {
        "type": "histogram",
        "addTooltip": True,
        "addLegend": True,
        "legendPosition": "right",
        "categoryAxes": [
            {
                "id": "CategoryAxis-1",
                "type": "category",
                "position": "bottom",
                "show": True,
                "scale": {"type": "linear"},
                "labels": {"show": True, "filter": True, "truncate": 100},
                "title": {},
            }
        ],
        "valueAxes": [
            {
                "id": "ValueAxis-1",
                "name": "LeftAxis-1",
                "type": "value",
                "position": "left",
                "show": True,
                "scale": {"type": "linear", "mode": "normal"},
                "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                "title": {"text": panel.metrics[0].label},
            }
        ],
        "seriesParams": [
            {
                "show": True,
                "type": "histogram",
                "mode": "stacked",
                "data": {"label": panel.metrics[0].label, "id": "1"},
                "valueAxis": "ValueAxis-1",
            }
        ],
    }


def osd_visualization(panel: Panel) -> dict[str, Any]:
    """A classic visualization (OSD 2.x/3.x) for a bucketed panel."""
    aggs = [_osd_metric_agg(n, m) for n, m in enumerate(panel.metrics, start=1)]
    schemas = {"donut": ["segment"], "table": ["bucket"] * 3}.get(panel.chart, ["segment", "group"])
    aggs += [
        _osd_bucket_agg(len(panel.metrics) + n, bucket, schemas[n - 1])
        for n, bucket in enumerate(panel.buckets, start=1)
    ]
    vis = {
        "title": panel.title,
        "type": _OSD_VIS_TYPE[panel.chart],
        "params": _osd_params(panel),
        "aggs": aggs,
    }
    attributes = {
        "title": panel.title,
        "description": "",
        "version": 1,
        "uiStateJSON": "{}",
        "visState": _json(vis),
        "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source(panel.kql, with_index=True)},
    }
    return {
        "id": panel.id,
        "type": "visualization",
        "attributes": attributes,
        "references": _index_reference(panel),
        "migrationVersion": {"visualization": "7.10.0"},
    }


def _osd_panel(panel: Panel) -> dict[str, Any]:
    if panel.chart not in ("vega", "search"):
        return osd_visualization(panel)
    shared = _shared_object(panel)
    return shared | {"migrationVersion": {shared["type"]: _OSD_TYPE_VERSION[shared["type"]]}}


def osd_objects() -> list[dict[str, Any]]:
    """Index patterns, one object per panel, and the dashboard, for OpenSearch Dashboards."""
    patterns = [
        {
            "id": view_id,
            "type": "index-pattern",
            "attributes": {"title": view_id, "timeFieldName": "created_at", "fields": "[]"},
            "references": [],
            "migrationVersion": {"index-pattern": "7.6.0"},
        }
        for view_id in DATA_VIEWS.values()
    ]
    panels_json = [
        {
            "version": "7.10.2",
            "gridData": _grid(panel),
            "panelIndex": panel.id,
            "embeddableConfig": {},
            "panelRefName": f"panel_{number}",
        }
        for number, panel in enumerate(PANELS)
    ]
    dashboard = {
        "id": DASHBOARD_ID,
        "type": "dashboard",
        "attributes": _dashboard_attributes(panels_json, '{"useMargins":true,"hidePanelTitles":false}'),
        "references": [
            {"id": panel.id, "name": f"panel_{number}", "type": _saved_type(panel, lens=False)}
            for number, panel in enumerate(PANELS)
        ],
        "migrationVersion": {"dashboard": "7.9.3"},
    }
    return [*patterns, *(_osd_panel(panel) for panel in PANELS), dashboard]


def ndjson(objects: list[dict[str, Any]]) -> str:
    """One compact JSON object per line, as the saved objects ``_export`` API writes them."""
    return "".join(_json(item) + "\n" for item in objects)


def panel_files() -> dict[str, str]:
    """File name -> pretty JSON of each panel's request."""
    return {f"{panel.id}.json": json.dumps(panel_request(panel), indent=2) + "\n" for panel in PANELS}


def generated_files() -> dict[Path, str]:
    """Every file this module writes, with its content."""
    files = {KIBANA_FILE: ndjson(kibana_objects()), OSD_FILE: ndjson(osd_objects())}
    files |= {PANELS_DIR / name: text for name, text in panel_files().items()}
    return files


def main() -> None:
    """Write the files (and remove panel files of panels that no longer exist)."""
    files = generated_files()
    PANELS_DIR.mkdir(parents=True, exist_ok=True)
    OSD_FILE.parent.mkdir(parents=True, exist_ok=True)
    for stale in set(PANELS_DIR.glob("*.json")) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
