"""Helpers for tests that use the real server and Chromium (fixtures in conftest.py)."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}  # the screen the browser tests use: most patients read us on a phone


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


E2E_NURSE_PASSWORD = "e2e-nurse-password-123"  # the demo nurse of the browser tests' server
E2E_GP_PASSWORD = "e2e-gp-password-123"  # the demo primary-care doctor of that server


def start_server(tmp_path_factory):
    """scripts/serve (what `make run` runs) on a fresh data folder and a free port."""
    data_dir = tmp_path_factory.mktemp("careguide-data")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREGUIDE_"))}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1", WORKERS="2",
               CAREGUIDE_ADMIN_PASSWORD="e2e-admin-password-123", CAREGUIDE_NURSE_PASSWORD=E2E_NURSE_PASSWORD,
               CAREGUIDE_GP_PASSWORD=E2E_GP_PASSWORD)
    if "DATABASE_URL" not in os.environ:
        env.pop("DATABASE_URL", None)
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if fetch(base + "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
    if proc.poll() is not None:
        log.close()
        pytest.fail("server did not start:\n" + (data_dir / "server.log").read_text()[-3000:])
    yield {"base": base, "data_dir": data_dir, "log": data_dir / "server.log"}
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)
    log.close()


def run_on_server(server, *command: str) -> subprocess.CompletedProcess:
    """A ``careguide`` command against the database of a server from start_server (the way
    the medical center's IT runs one with scripts/with-local-env); raises if it fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREGUIDE_"))}
    env.update(DATA_DIR=str(server["data_dir"]))
    return subprocess.run([str(ROOT / "scripts" / "with-local-env"), "careguide", *command],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def start_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()




AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, summarised for a message."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
