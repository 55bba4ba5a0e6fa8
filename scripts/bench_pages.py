"""make bench-pages: library pages from the production server beside nginx serving the same bytes.

One run on this machine: starts scripts/serve (gunicorn, production settings) on a fresh data
folder, snapshots the pages' HTML into a folder nginx serves, then drives each with wrk:
  1. nginx, static files                        (the ceiling)
  2. gunicorn, whole-page cache on              (what anonymous readers get)
  3. gunicorn, whole-page cache off             (every view rendered: templates and SQL)
and counts SQL queries per page view in-process. Prints the figures and the targets.
Loopback only; every load run is bounded by wrk's duration.
"""

from __future__ import annotations

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "/",
    "/about-cancer/",
    "/about-cancer/what-is-cancer/",
    "/about-cancer/diagnosis/",
    "/conditions/bone-cancer/",
    "/conditions/acute-lymphoblastic-leukemia/",
    "/treatments/chemotherapy/",
    "/treatments/stem-cell-transplant/",
    "/side-effects/",
    "/side-effects/fever-and-infection/",
    "/glossary/",
    "/glossary/biopsy/",
]
DURATION = os.environ.get("BENCH_DURATION", "10s")
THREADS = os.environ.get("BENCH_THREADS", "2")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
UNCACHED_CONNECTIONS = os.environ.get("BENCH_UNCACHED_CONNECTIONS", "4")
WORKERS = os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def start_server(data_dir: Path, port: int, cache_seconds: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREGUIDE_", "DATABASE_URL"))}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1", WORKERS=WORKERS,
               CAREGUIDE_PAGE_CACHE_SECONDS=str(cache_seconds))
    log = open(data_dir / f"server-{port}.log", "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            get(f"http://127.0.0.1:{port}/healthz")
            return proc
        except OSError:
            time.sleep(0.5)
    stop(proc)
    sys.exit(f"server did not start; see {log.name}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def rotate_script(folder: Path) -> Path:
    lua = folder / "rotate.lua"
    paths = ", ".join(f'"{p}"' for p in PAGES)
    lua.write_text(
        "local paths = {" + paths + "}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
    )
    return lua


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, lua: Path, connections: str) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{DURATION}", "--latency", "-s", str(lua), url],
        capture_output=True, text=True, check=True, timeout=600,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\n\s+50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\n\s+99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def start_nginx(folder: Path, site: Path, port: int) -> None:
    conf = folder / "nginx.conf"
    conf.write_text(f"""
worker_processes {os.cpu_count() or 2};
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type text/html;
  sendfile on;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{port};
    root {site};
    location / {{ try_files $uri $uri/index.html =404; }}
  }}
}}
""")
    subprocess.run(["nginx", "-c", str(conf), "-p", str(folder)], check=True)


def stop_nginx(folder: Path) -> None:
    pid = folder / "nginx.pid"
    if pid.exists():
        os.kill(int(pid.read_text().strip()), signal.SIGQUIT)


def query_counts(data_dir: Path) -> dict[str, int]:
    code = (
        "import django, json, sys\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "from django.db import connection\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client()\n"
        "out = {}\n"
        "for path in sys.argv[1:]:\n"
        "    client.get(path, HTTP_HOST='127.0.0.1')\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        assert client.get(path, HTTP_HOST='127.0.0.1').status_code == 200, path\n"
        "    out[path] = len(ctx)\n"
        "print(json.dumps(out))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREGUIDE_", "DATABASE_URL"))}
    env.update(DATA_DIR=str(data_dir), CAREGUIDE_PAGE_CACHE_SECONDS="0")
    result = subprocess.run([str(ROOT / "scripts" / "with-local-env"), "python", "-c", code, *PAGES],
                            env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run `make bench-deps`")
    folder = Path(tempfile.mkdtemp(prefix="careguide-bench-"))
    folder.chmod(0o755)
    data_dir = folder / "data"
    data_dir.mkdir()
    site = folder / "site"
    lua = rotate_script(folder)
    results = {}
    port = free_port()
    server = start_server(data_dir, port, cache_seconds=600)
    try:
        for path in PAGES:  # snapshot the bytes nginx will serve, and warm the page cache
            body = get(f"http://127.0.0.1:{port}{path}")
            target = site / path.strip("/") / "index.html" if path != "/" else site / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            get(f"http://127.0.0.1:{port}{path}")
        for p in site.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        site.chmod(0o755)
        nginx_port = free_port()
        start_nginx(folder, site, nginx_port)
        try:
            results["nginx (static files)"] = wrk(f"http://127.0.0.1:{nginx_port}", lua, CONNECTIONS)
        finally:
            stop_nginx(folder)
        results["gunicorn, page cache on"] = wrk(f"http://127.0.0.1:{port}", lua, CONNECTIONS)
    finally:
        stop(server)
    port = free_port()
    server = start_server(data_dir, port, cache_seconds=0)
    try:
        for path in PAGES:
            get(f"http://127.0.0.1:{port}{path}")
        results["gunicorn, page cache off"] = wrk(f"http://127.0.0.1:{port}", lua, UNCACHED_CONNECTIONS)
    finally:
        stop(server)
    queries = query_counts(data_dir)

    print(f"\nLibrary pages: {len(PAGES)} URLs in rotation; wrk -t{THREADS} -d{DURATION}; "
          f"gunicorn {WORKERS} sync workers; {os.cpu_count()} cores")
    print(f"{'server':<28}{'conns':>6}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in results.items():
        conns = UNCACHED_CONNECTIONS if "off" in name else CONNECTIONS
        print(f"{name:<28}{conns:>6}{r['rps']:>11.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['non2xx']:>9}")
    nginx = results["nginx (static files)"]["rps"]
    cached = results["gunicorn, page cache on"]
    uncached = results["gunicorn, page cache off"]
    ratio = cached["rps"] / nginx
    print(f"\ncached / nginx throughput: {ratio:.3f}")
    print("SQL queries per page view (page cache off): "
          + ", ".join(f"{path} {n}" for path, n in queries.items()))
    worst = max(queries.values())
    checks = [
        (f"cached page >= 0.05 of nginx's throughput ({ratio:.3f})", ratio >= 0.05),
        (f"uncached page p99 <= 300 ms ({uncached['p99']:.1f} ms)", uncached["p99"] <= 300),
        (f"<= 10 queries per page view (max {worst})", worst <= 10),
        ("no errors", all(r["non2xx"] == 0 and not r["socket_errors"] for r in results.values())),
    ]
    print()
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
