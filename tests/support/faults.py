"""Private Redis and PostgreSQL servers (on free ports, in temp dirs) that a
fault test may stop and start, and the production server (gunicorn, one
gevent worker) on top of them. The shared servers on 6379/5432 are never
touched.

PostgreSQL refuses to run as root: when the tests run as root (CI's
.ci/run does) its programs run as the `postgres` user through runuser.
"""
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from .server import ROOT, free_port, gunicorn_command
from .services import in_ci

WAIT = 30  # seconds for a server to start or stop (a bound, not a timing assertion)


def _unavailable(message):
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _wait_until(check, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {timeout}s")
        time.sleep(0.1)  # polling a child process; nothing to wait on


class PrivateRedis:
    """redis-server on a free port, no persistence; stop() and start() keep the port."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            _unavailable("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="gc-redis-")
        self.proc = None

    def _answers(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until(self._answers, "private Redis did not answer")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(WAIT)
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres:
    """A throwaway cluster from initdb, on a free port; stop() and start() keep the data."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not bins:
            _unavailable("PostgreSQL's initdb is not installed (/usr/lib/postgresql/*/bin)")
        self.bin = os.path.dirname(bins[-1])
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="gc-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "pg.log")
        self.as_user = []
        if os.geteuid() == 0:
            # initdb and postgres refuse root: run them as the postgres user.
            if not shutil.which("runuser"):
                _unavailable("running as root without runuser: cannot start a private PostgreSQL")
            import pwd

            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                _unavailable("running as root and there is no postgres user for a private PostgreSQL")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program, *args):
        result = subprocess.run([*self.as_user, os.path.join(self.bin, program), *args], capture_output=True,
                                text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")
        return result

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", str(WAIT), "start")

    def stop(self, mode="immediate"):
        """`immediate`: like a crash, connections are cut and nothing is flushed nicely."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", str(WAIT), "stop")

    def close(self):
        try:
            self.stop("fast")
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private(cls):
    server = cls()
    try:
        server.start()
        yield server
    finally:
        server.close()


def app_env(database_url, redis_url, **extra):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "GOLDCOIN_REDIS_PREFIX": "gcfault:",
        "GOLDCOIN_ENV": "development",
        "FLASK_APP": "app",
        "GOLDCOIN_ASYNC_MODE": "gevent",
        "RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    })
    return env


def flask_cli(env, *args, check=True):
    env = dict(env, GOLDCOIN_ASYNC_MODE="threading")
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=180)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def prepare_database(env):
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "goldcoin", "init-db")
    return flask_cli(env, "goldcoin", "create-token", "faults", "--scope", "admin").stdout.strip().splitlines()[-1]


class Gunicorn:
    """The production server (gunicorn, one gevent worker) in a child process."""

    def __init__(self, env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(env, PORT=str(self.port), HOST="127.0.0.1", GOLDCOIN_PUBLIC_URL=self.base)
        self.log_path = Path(tempfile.mkstemp(prefix="gc-gunicorn-", suffix=".log")[1])
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(gunicorn_command(self.port), cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self):
        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                return requests.get(self.base + "/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        _wait_until(ready, "gunicorn did not answer /healthz")

    def workers(self):
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as fh:
            return [int(pid) for pid in fh.read().split()]

    def kill_worker(self):
        """SIGKILL the worker (mid-request, under load); the master starts another."""
        [worker] = self.workers()
        os.kill(worker, signal.SIGKILL)
        return worker

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text()

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.log_path.unlink(missing_ok=True)


@contextmanager
def gunicorn(env):
    server = Gunicorn(env)
    try:
        yield server
    finally:
        server.close()
