"""Settings: one YAML file plus ``WEBCARE_*`` environment variables (environment wins).

Nested fields use ``__`` in the environment, for example ``WEBCARE_KAFKA__BOOTSTRAP_SERVERS``.
The YAML file is ``--config FILE`` on the command line, else ``$WEBCARE_CONFIG``, else none
(built-in defaults that fit the local stack).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from schemas.alert_settings import AlertSettings
from schemas.config import BrandConfig, BrandsConfig, yaml_line
from schemas.discovery_settings import DiscoverySettings
from schemas.link_settings import LinkSettings
from schemas.rules import RulesConfig


def _secret_from_file(secret: SecretStr | None, path: Path | None, name: str) -> SecretStr | None:
    """``secret``, else the stripped content of ``path`` (``<name>_file``); both set is an error."""
    if path is None:
        return secret
    if secret is not None:
        raise ValueError(f"set {name} or {name}_file, not both")
    try:
        return SecretStr(path.read_text(encoding="utf-8").strip())
    except OSError as error:
        raise ValueError(f"{name}_file {path} cannot be read: {error.strerror}") from None


class KafkaSettings(BaseModel):
    """How to reach the Kafka cluster, and how to authenticate (docs/security.md)."""

    model_config = ConfigDict(extra="forbid")

    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    sasl_password_file: Path | None = Field(default=None, description="File holding the SASL password.")
    ssl_cafile: Path | None = Field(default=None, description="CA bundle (PEM); else the system's CAs.")
    ssl_certfile: Path | None = Field(default=None, description="Client certificate (PEM) for mutual TLS.")
    ssl_keyfile: Path | None = Field(default=None, description="Client private key (PEM) for mutual TLS.")
    ssl_check_hostname: bool = True

    @model_validator(mode="after")
    def _complete(self) -> KafkaSettings:
        self.sasl_password = _secret_from_file(self.sasl_password, self.sasl_password_file, "sasl_password")
        self.sasl_password_file = None
        if self.security_protocol.startswith("SASL_") and not (self.sasl_username and self.sasl_password):
            raise ValueError(f"{self.security_protocol} needs sasl_username and sasl_password (or _file)")
        return self


class TopicSettings(BaseModel):
    """Topic names and how they are created by ``webcare setup``."""

    model_config = ConfigDict(extra="forbid")

    raw: str = "webcare.raw"
    mentions: str = "webcare.mentions"
    dlq: str = "webcare.dlq"
    partitions: int = Field(default=6, ge=1, description="Partitions of the raw and mentions topics.")
    replication_factor: int = Field(default=1, ge=1)


class SearchSettings(BaseModel):
    """How to reach Elasticsearch or OpenSearch, and how the sink batches."""

    model_config = ConfigDict(extra="forbid")

    url: str = "http://127.0.0.1:9200"
    mode: Literal["auto", "elasticsearch", "opensearch"] = Field(
        default="auto",
        description="'opensearch' turns on the compatibility mode; 'auto' asks the root endpoint.",
    )
    index: str = "webcare-mentions"
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = Field(default=None, description="File holding the password.")
    api_key: SecretStr | None = None
    api_key_file: Path | None = Field(default=None, description="File holding the API key.")
    verify_certs: bool = True
    ca_certs: Path | None = None
    request_timeout: float = Field(default=30.0, gt=0)
    bulk_max_docs: int = Field(default=1000, ge=1)
    retry_initial_seconds: float = Field(default=0.5, gt=0)
    retry_max_seconds: float = Field(default=30.0, gt=0)
    retention_days: int = Field(
        default=395, ge=1, description="Keep mentions at least this long; older monthly indices are deleted."
    )

    @model_validator(mode="after")
    def _read_secret_files(self) -> SearchSettings:
        self.password = _secret_from_file(self.password, self.password_file, "password")
        self.api_key = _secret_from_file(self.api_key, self.api_key_file, "api_key")
        self.password_file = self.api_key_file = None
        return self


class EnrichmentSettings(BaseModel):
    """How the enrichers decide."""

    model_config = ConfigDict(extra="forbid")

    language_priors: dict[str, float] = Field(
        default_factory=lambda: {"nl": 10.0, "en": 10.0},
        description="How much likelier than others each language is in your stream (others weigh 1).",
    )
    language_min_confidence: float = Field(default=0.3, ge=0.0, le=1.0, description="Below this: 'und'.")


class WorkerSettings(BaseModel):
    """The Faust worker."""

    model_config = ConfigDict(extra="forbid")

    app_id: str = Field(default="webcare", description="Faust app id; also the Kafka consumer group.")
    batch_size: int = Field(default=500, ge=1, description="Posts enriched or indexed per batch at most.")
    batch_seconds: float = Field(default=0.5, gt=0, description="Longest wait to fill a batch.")
    web_port: int = Field(default=6066, ge=1, le=65535, description="Port of /metrics, /health, /ready.")
    web_host: str = Field(default="127.0.0.1", description="Address the web server binds (0.0.0.0 in pods).")
    data_dir: Path = Path(".stack/worker")
    log_format: Literal["text", "json"] = Field(default="text", description="'json': one object per line.")
    lag_interval_seconds: float = Field(
        default=15.0, gt=0, description="How often the consumer-lag gauge is refreshed."
    )
    session_timeout_seconds: float = Field(
        default=60.0, gt=0, description="A worker silent this long loses its partitions to the others."
    )
    heartbeat_interval_seconds: float = Field(default=3.0, gt=0, description="Consumer group heartbeats.")
    stall_seconds: float = Field(
        default=600.0,
        gt=0,
        description="A partition with lag whose committed offset has not moved this long is stalled: "
        "/health then fails (unless the search engine is unreachable, which explains it).",
    )


class Settings(BaseSettings):
    """Everything the pipeline's commands and workers read."""

    model_config = SettingsConfigDict(env_prefix="WEBCARE_", env_nested_delimiter="__", extra="forbid")

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    topics: TopicSettings = Field(default_factory=TopicSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    enrichment: EnrichmentSettings = Field(default_factory=EnrichmentSettings)
    brands: list[BrandConfig] = Field(default_factory=list)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    discovery: DiscoverySettings = Field(default_factory=DiscoverySettings)
    links: LinkSettings = Field(default_factory=LinkSettings)

    @field_validator("rules")
    @classmethod
    def _rules_name_known_brands(cls, rules: RulesConfig, info: ValidationInfo) -> RulesConfig:
        if "brands" in info.data:  # else the brands are invalid, and reported as such
            rules.check_brands(brand.name for brand in info.data["brands"])
        return rules

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, YamlConfigSettingsSource(settings_cls)

    def brands_config(self) -> BrandsConfig:
        """The brand list, checked for duplicate names."""
        return BrandsConfig(brands=self.brands)


class ConfigError(Exception):
    """The configuration could not be loaded; the message names the file, field and reason."""


def load_settings(config_file: Path | str | None = None) -> Settings:
    """Load settings from ``config_file`` (or ``$WEBCARE_CONFIG``) and the environment."""
    source = config_file or os.environ.get("WEBCARE_CONFIG") or None
    if source and not Path(source).is_file():
        raise ConfigError(f"config file {source} does not exist")

    class SettingsFromFile(Settings):
        model_config = SettingsConfigDict(yaml_file=source)

    try:
        settings = SettingsFromFile()
        settings.brands_config()
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {source} is not valid YAML: {error}") from None
    except ValidationError as error:
        problems = "\n".join(_describe(problem, source) for problem in error.errors())
        raise ConfigError(f"invalid configuration in {source or 'the environment'}:\n{problems}") from None
    return settings


def _describe(problem: ErrorDetails, source: str | Path | None) -> str:
    """One problem as '  line N: field.path: message' (the line when the YAML file has the field)."""
    field = ".".join(str(part) for part in problem["loc"]) or "(top level)"
    line = yaml_line(Path(source), problem["loc"]) if source else None
    return f"  {f'line {line}: ' if line else ''}{field}: {problem['msg']}"
