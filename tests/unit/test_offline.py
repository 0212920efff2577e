"""``webcare enrich`` runs the stream's code over files: same output, in order, nothing dropped silently."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner

from enrichers.enrichment import Enrichment
from pipeline.cli import main
from pipeline.offline import enrich_lines
from pipeline.stages import Message, enrich_batch
from schemas.config import BrandConfig

BRANDS = [BrandConfig(name="Telvio", inside_out=["Telvio"], outside_in=["geen bereik"])]
VOLATILE = {"enriched_at", "received_at"}


def _post(number: int, text: str) -> bytes:
    return json.dumps(
        {
            "id": f"review:{number}",
            "source": "review",
            "author": {"id": f"a{number}"},
            "text": text,
            "created_at": "2026-11-21T12:00:00Z",
        }
    ).encode()


LINES = [
    _post(1, "Telvio is traag en de klantenservice reageert niet"),
    b"not json",
    b"",
    _post(2, "Great help from the Telvio team, fixed within an hour"),
    _post(3, "Al dagen geen bereik in Zwolle"),
]


def test_enriches_in_order_and_reports_rejects() -> None:
    output = io.StringIO()
    rejects: list[tuple[int, str]] = []
    report = enrich_lines(
        Enrichment(BRANDS), io.BytesIO(b"\n".join(LINES)), output, lambda n, _d, r: rejects.append((n, r))
    )
    ids = [json.loads(line)["id"] for line in output.getvalue().splitlines()]
    assert ids == ["review:1", "review:2", "review:3"]
    assert rejects == [(2, "not valid JSON: Expecting value at line 1 column 1")]
    assert (report.enriched, report.rejected) == (3, 1)


def test_offline_output_equals_the_stream_stage() -> None:
    enrichment = Enrichment(BRANDS)
    output = io.StringIO()
    enrich_lines(enrichment, io.BytesIO(b"\n".join(LINES)), output, lambda *_: None)
    offline = [json.loads(line) for line in output.getvalue().splitlines()]
    messages = [Message("webcare.raw", 0, offset, None, line) for offset, line in enumerate(LINES) if line]
    stream = [json.loads(value) for _, value in enrich_batch(enrichment, messages).mentions]
    strip = lambda docs: [{k: v for k, v in doc.items() if k not in VOLATILE} for doc in docs]  # noqa: E731
    assert strip(offline) == strip(stream)


def test_command_line(tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(LINES) + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "enrich",
            "--input",
            str(source),
            "--output",
            str(tmp_path / "out.jsonl"),
            "--rejects",
            str(rejects),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "line 2: not valid JSON" in result.stderr
    assert "enriched 3 post(s), rejected 1 line(s)" in result.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 3
    [reject] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert reject == {
        "line": 2,
        "reason": "not valid JSON: Expecting value at line 1 column 1",
        "original": "not json",
    }


def test_the_config_can_follow_the_subcommand(tmp_path) -> None:
    """`webcare enrich --config FILE`, as well as `webcare --config FILE enrich`: its brands are used."""
    config = tmp_path / "webcare.yaml"
    config.write_text("brands:\n  - name: Zwolle Net\n    inside_out: [zwolle]\n", encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_bytes(_post(1, "Al dagen geen bereik in Zwolle") + b"\n")
    output = tmp_path / "out.jsonl"
    arguments = ["--input", str(source), "--output", str(output), "--config", str(config)]
    result = CliRunner().invoke(main, ["enrich", *arguments])
    assert result.exit_code == 0, result.output
    [mention] = [json.loads(line) for line in output.read_text().splitlines()]
    assert [match["brand"] for match in mention["brands"]] == ["Zwolle Net"]


def test_a_bad_config_of_the_subcommand_is_a_clear_error(tmp_path) -> None:
    config = tmp_path / "webcare.yaml"
    config.write_text("brands:\n  - name: X\n    inside_out: ['\"unclosed']\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["enrich", "--config", str(config)], input="")
    assert result.exit_code == 1
    assert "webcare.yaml" in result.stderr and "line 3" in result.stderr, result.stderr
