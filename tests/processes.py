"""Real Redis and PostgreSQL servers that a fault test starts, breaks and stops itself.

Each runs on a spare port with its own data directory, is stopped by its own PID, and is
never the shared server of the machine. PostgreSQL runs as the `postgres` system user
(initdb refuses root); the binaries come from /usr/lib/postgresql/<version>/bin.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(check: object, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen within {seconds} s")


class RedisServer:
    """`redis-server` on a spare port, without persistence (a crash loses everything)."""

    def __init__(self) -> None:
        if REDIS_SERVER is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), *options, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _answers(self.port), seconds=10, what="redis-server start")

    def kill(self) -> None:
        """SIGKILL by PID: what a crash or the OOM killer does (the data is gone)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


class PostgresServer:
    """A throw-away PostgreSQL cluster (initdb) on a spare port, trusted on loopback."""

    def __init__(self) -> None:
        bindir = postgres_bin()
        if bindir is None:
            pytest.skip("PostgreSQL server binaries are not installed")
        self.bin = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="mitra-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])

    def crash(self) -> None:
        """SIGQUIT to the postmaster by PID: immediate shutdown, every backend gone, no
        checkpoint (the next start recovers from the WAL, as after a power cut)."""
        pid = self.pid
        os.kill(pid, signal.SIGQUIT)
        wait_until(lambda: not _pid_alive(pid), seconds=30, what="PostgreSQL stop")
        wait_until(lambda: not _answers(self.port), seconds=10, what="port release")

    def stop(self) -> None:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, TimeoutError):
            self.crash()
        shutil.rmtree(self.root, ignore_errors=True)

    def bin_path(self, name: str) -> str:
        return str(self.bin / name)

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run SQL as the superuser; the rows come back one a line, fields split by |."""
        command = [self.bin_path("psql"), "-h", "127.0.0.1", "-p", str(self.port)]
        done = subprocess.run(
            [*command, "-U", "postgres", "-d", database, "-Atc", sql],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return False
    return True


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()


# --- The application as a real server ----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def app_environment(*, database_url: str, media_root: Path, redis_url: str = "") -> dict[str, str]:
    """Production settings (DEBUG off) for a server of the test's own, on loopback."""
    return {
        **os.environ,
        "MITRA_ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media_root),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "CRITICAL",
    }


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class AppServer:
    """gunicorn serving the project with `env`, on a spare port; stopped by its PID."""

    def __init__(self, env: dict[str, str], *, workers: int = 2) -> None:
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AppServer:
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "60"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: _answers(self.port), seconds=60, what="gunicorn start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")


class _Listening(Protocol):
    port: int


def _multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    """A multipart/form-data body (what a browser sends for a form with a file input)."""
    boundary = f"----mitra{os.urandom(12).hex()}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """A cookie-keeping HTTP client (no redirects followed), enough for forms with CSRF.

    `via` sends one request to another server (an AppServer or Nginx) with the same cookies,
    as a browser does: cookies belong to the host name, whatever the port."""

    def __init__(self, server: _Listening, *, user_agent: str = "") -> None:
        self.server = server
        self.cookies: dict[str, str] = {}
        self.user_agent = user_agent or (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
        )

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        *,
        via: _Listening | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        json_body: object = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        import http.client
        import json
        from http.cookies import SimpleCookie
        from urllib.parse import urlencode

        port = (via or self.server).port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = {"User-Agent": self.user_agent, "Host": f"127.0.0.1:{port}"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: bytes | None = None
        if files is not None:
            body, sent["Content-Type"] = _multipart(data or {}, files)
        elif data is not None:
            body = urlencode(data).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        if method == "POST":
            sent["Origin"] = f"http://127.0.0.1:{port}"  # as a browser sends it
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            body_bytes = raw.read()
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, body_bytes)
        finally:
            connection.close()

    def get(self, path: str, *, via: _Listening | None = None) -> Response:
        return self.request("GET", path, via=via)

    def post(
        self,
        path: str,
        data: dict[str, str],
        *,
        via: _Listening | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        fields = {**data, "csrfmiddlewaretoken": self.csrf_token()}
        return self.request("POST", path, fields, via=via, files=files)

    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")


# --- Several app servers: nginx in front, Celery workers behind ---------------------------

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
)


class Nginx:
    """nginx as an ordinary process (not the system service): its own configuration, pid
    file, logs and temporary folders in a folder of its own, on a spare loopback port,
    spreading requests round-robin over `upstreams` (ports of app servers). Each response
    says which server answered (`X-Upstream`). Stopped by its master's PID."""

    def __init__(
        self, upstreams: list[int], *, workers: int = 1, cached: tuple[str, ...] = ()
    ) -> None:
        """`cached`: paths whose answers nginx keeps for 30 s whatever the app says (only
        to measure what a cache in front serves: the app's pages are not made for it)."""
        if NGINX is None:
            pytest.skip("nginx is not installed (make test installs Debian's nginx)")
        self.upstreams = upstreams
        self.workers = workers
        self.cached = cached
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="mitra-nginx-"))
        # nginx's workers run as an unprivileged user when started as root: they must reach
        # their temporary folders (request bodies of uploads are buffered there).
        self.root.chmod(0o755)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        root = self.root
        servers = "\n".join(f"    server 127.0.0.1:{port};" for port in self.upstreams)
        temp = "\n".join(
            f"  {kind}_temp_path {root / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        proxy = """proxy_pass http://mitra;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      add_header X-Upstream $upstream_addr always;"""
        cache = "".join(
            f"""
    location = {path} {{
      {proxy}
      proxy_cache mitra;
      proxy_cache_valid 200 30s;
      proxy_ignore_headers Cache-Control Expires Set-Cookie Vary;
      proxy_hide_header Set-Cookie;
    }}"""
            for path in self.cached
        )
        return f"""worker_processes {self.workers};
pid {root / "nginx.pid"};
error_log {root / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  log_format upstream '$remote_addr "$request" $status $upstream_addr $request_time';
  access_log {root / "access.log"} upstream buffer=64k flush=1s;
{temp}
  client_max_body_size 12m;
  proxy_cache_path {root / "cache"} keys_zone=mitra:10m max_size=100m inactive=10m;
  upstream mitra {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      {proxy}
    }}{cache}
  }}
}}
"""

    def __enter__(self) -> Nginx:
        assert NGINX is not None
        conf = self.root / "nginx.conf"
        conf.write_text(self.config())
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.root), "-c", str(conf), "-e", str(self.root / "error.log"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until(
                lambda: _answers(self.port) or self.process.poll() is not None,  # type: ignore[union-attr]
                seconds=20,
                what="nginx start",
            )
            if self.process.poll() is not None:
                raise RuntimeError("nginx did not start:\n" + self.error_log())
        except BaseException:
            self.__exit__()
            raise
        return self

    def error_log(self) -> str:
        path = self.root / "error.log"
        return path.read_text() if path.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


class CeleryWorker:
    """A real `celery worker` process with `env` (its broker is the env's Redis), logging at
    INFO to `log_path` (each task received and finished is a line); stopped by its PID with
    SIGTERM (a warm shutdown), then its process group with SIGKILL if it hangs."""

    def __init__(self, env: dict[str, str], *, log_path: Path, concurrency: int = 1) -> None:
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CeleryWorker:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "config", "worker",
                 f"--concurrency={self.concurrency}", "--hostname=multiserver@%h",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--loglevel=INFO"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
