"""A class deployment on one machine: N `tutor serve` processes behind nginx (deploy/nginx.conf), sharing
one data directory and one PostgreSQL (yours, or a throwaway cluster). For a try, the tests
(tests/deploy/) and the load test (benchmarks/load.py). Everything listens on 127.0.0.1 only.

    .venv/bin/python deploy/stack.py --processes 2 --port 8000 --postgres throwaway
    .venv/bin/python deploy/stack.py --processes 2 --database-url postgresql+asyncpg://tutor@127.0.0.1/tutor

Settings come from the environment (TUTOR_*, e.g. deploy/tutor.env); Ctrl+C stops everything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "nginx.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as(user: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


class PostgresCluster:
    """A throwaway PostgreSQL: Debian's binaries, a cluster in a temp directory owned by an unprivileged user
    (PostgreSQL refuses to run as root), 127.0.0.1 only, fsync off. `url(db)` is an asyncpg URL."""

    def __init__(self):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
        if not found:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (make test does it)")
        self.bin = found[-1].parent
        self.root = Path(tempfile.mkdtemp(prefix="tutor-pg-"))
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            import pwd

            self.user = "postgres" if "postgres" in {u.pw_name for u in pwd.getpwall()} else "nobody"
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.root / "data"), "-U", "tutor", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run("pg_ctl", "-D", str(self.root / "data"), "-o", options, "-l", str(self.root / "log"), "-w",
                  "start")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(_as(self.user, [str(self.bin / tool), *args]), capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr or done.stdout}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://tutor@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "tutor", "-d", "postgres", "-q",
                  "-c", statement)

    def create(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f"CREATE DATABASE {name}")
        return name

    def drop(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def nginx_config(run: Path, port: int, backends: list[int]) -> Path:
    """deploy/nginx.conf with these ports and logs under `run`, inside a minimal main configuration."""
    site = SITE.read_text(encoding="utf-8")
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in backends)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers + "\n", site)
    site = site.replace("listen 127.0.0.1:8000;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/log/nginx/tutor.access.log", str(run / "access.log"))
    (run / "tutor.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {run / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                          "scgi"))
    main = (("user root;\n" if os.geteuid() == 0 else "") +
            f"worker_processes 1;\ndaemon off;\npid {run / 'nginx.pid'};\nerror_log {run / 'error.log'} warn;\n"
            f"events {{ worker_connections 4096; }}\nhttp {{\n{temp}\n    include {run / 'tutor.conf'};\n}}\n")
    (run / "nginx.conf").write_text(main, encoding="utf-8")
    return run / "nginx.conf"


def wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


class Stack:
    """`with Stack(...) as stack:` N chat processes and nginx; `stack.url` is the proxy's address,
    `stack.backends` the processes' own."""

    def __init__(self, data_dir: Path, database_url: str, processes: int = 2, port: int | None = None,
                 env: dict | None = None, run_dir: Path | None = None, proxy: bool = True):
        """`proxy=False`: no nginx, `url` is the first process's own (for one process measured alone)."""
        self.data_dir, self.database_url, self.processes = Path(data_dir), database_url, processes
        self.proxy = proxy
        self.port = port or free_port()
        self.env = dict(env or {})
        self._own_run = run_dir is None
        self.run = Path(run_dir or tempfile.mkdtemp(prefix="tutor-stack-"))
        self.procs: list[subprocess.Popen] = []
        self.backends: list[str] = []
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind, *exc) -> None:
        self.stop()
        if self._own_run and kind is None:  # logs are kept when something failed
            shutil.rmtree(self.run, ignore_errors=True)

    def start(self) -> None:
        from tutor.chat.identity import auth_secret

        self.run.mkdir(parents=True, exist_ok=True)
        auth_secret(self.data_dir)  # one signing secret for every process, made before any starts
        origins = [f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"]
        env = dict(os.environ, TUTOR_DATA_DIR=str(self.data_dir), TUTOR_DATABASE_URL=self.database_url,
                   TUTOR_SERVER__ALLOWED_ORIGINS=json.dumps(origins), **self.env)
        tutor = [sys.executable, "-m", "tutor.cli"]
        migrated = subprocess.run([*tutor, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=300)
        if migrated.returncode != 0:
            raise RuntimeError(migrated.stderr)
        ports = [free_port() for _ in range(self.processes)]
        for n, port in enumerate(ports):
            log = self.run / f"tutor-{n + 1}.log"
            (self.run / f"tutor-{n + 1}").mkdir(exist_ok=True)
            self.procs.append(subprocess.Popen([*tutor, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                               env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                                               cwd=self.run / f"tutor-{n + 1}", start_new_session=True))
            self.backends.append(f"http://127.0.0.1:{port}")
        for proc, url, n in zip(self.procs, self.backends, range(1, self.processes + 1)):
            wait_for(url, proc, self.run / f"tutor-{n}.log")
        if not self.proxy:
            self.url = self.backends[0]
            return
        config = nginx_config(self.run, self.port, ports)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        log = self.run / "nginx.out"
        self.procs.append(subprocess.Popen([nginx, "-c", str(config), "-p", str(self.run)], stdout=open(log, "w"),
                                           stderr=subprocess.STDOUT, start_new_session=True))
        wait_for(self.url, self.procs[-1], log)

    def pids(self) -> list[int]:
        """The chat processes' ids (`tutor serve` execs Chainlit in place, so these are the servers)."""
        return [p.pid for p in self.procs[:self.processes]]

    def upstreams(self) -> list[str]:
        """The backend of each proxied request so far, from nginx's access log."""
        log = self.run / "access.log"
        return re.findall(r"upstream=(\S+)", log.read_text()) if log.exists() else []

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8000, help="nginx's port")
    parser.add_argument("--data-dir", default=os.environ.get("TUTOR_DATA_DIR", ".tutor"))
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--database-url", default=os.environ.get("TUTOR_DATABASE_URL", ""))
    group.add_argument("--postgres", choices=["throwaway"], help="start a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    cluster = PostgresCluster() if args.postgres else None
    url = cluster.url() if cluster else args.database_url
    if not url:
        parser.error("give --database-url (PostgreSQL) or --postgres throwaway")
    try:
        with Stack(Path(args.data_dir).resolve(), url, args.processes, args.port) as stack:
            print(f"nginx on {stack.url} -> {', '.join(stack.backends)}; logs in {stack.run}. Ctrl+C to stop.",
                  flush=True)
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    finally:
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()
