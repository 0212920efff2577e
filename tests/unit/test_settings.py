"""Settings come from a YAML file and WEBCARE_* variables, and bad config is refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.settings import ConfigError, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBCARE_CONFIG", raising=False)


def test_defaults_fit_the_local_stack() -> None:
    settings = load_settings()
    assert settings.kafka.bootstrap_servers == "127.0.0.1:9092"
    assert settings.search.url == "http://127.0.0.1:9200"
    assert settings.topics.raw == "webcare.raw"


def test_yaml_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "webcare.yaml"
    config.write_text(
        "topics:\n  partitions: 12\nsearch:\n  mode: opensearch\n"
        "brands:\n  - name: Telvio\n    inside_out: [Telvio]\n"
    )
    monkeypatch.setenv("WEBCARE_TOPICS__PARTITIONS", "24")
    settings = load_settings(config)
    assert settings.topics.partitions == 24
    assert settings.search.mode == "opensearch"
    assert [brand.name for brand in settings.brands] == ["Telvio"]


def test_secrets_are_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBCARE_SEARCH__PASSWORD", "hunter2")
    settings = load_settings()
    assert "hunter2" not in repr(settings)
    assert settings.search.password is not None
    assert settings.search.password.get_secret_value() == "hunter2"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("topics:\n  partitions: 0\n", "topics.partitions: Input should be greater than or equal to 1"),
        ("search:\n  mode: solr\n", "search.mode: Input should be 'auto', 'elasticsearch' or 'opensearch'"),
        ("brands:\n  - name: Telvio\n", "brands.0.inside_out: Field required"),
        ("kafka:\n  bootstrap: x\n", "kafka.bootstrap: Extra inputs are not permitted"),
        (
            "brands:\n  - {name: A, inside_out: [a]}\n  - {name: a, inside_out: [b]}\n",
            "brand 'a' is defined twice",
        ),
    ],
)
def test_bad_config_names_file_field_and_reason(tmp_path: Path, yaml_text: str, message: str) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(yaml_text)
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert str(config) in str(raised.value)
    assert message in str(raised.value)


def test_errors_give_the_yaml_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(
        "brands:\n  - name: Kabelkat\n    inside_out:\n      - Kabelkat\n      - 'kabel AND (kat'\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    message = str(raised.value)
    assert "line 5: brands.0.inside_out.1: Value error, query 'kabel AND (kat': missing ')'" in message


def test_broken_yaml_is_named(tmp_path: Path) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text("topics: [\n")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_settings(config)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.yaml")
