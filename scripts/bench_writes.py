"""make bench-writes: N people writing at once to the production server, on SQLite and on PostgreSQL.

For each database: starts scripts/serve (what `make run` runs: gunicorn with 2 workers, production
settings) on a fresh data folder (SQLite under it, or a throwaway PostgreSQL from
scripts/with-postgres), makes N patients of the demo care team, each with an accepted referral,
signs each patient and a nurse in, then runs N writer threads released together. Each writer:
  - book:     a nurse books a slot for the writer's referral; two writers want each slot, so one
              books and the other must get "That time was just taken" (a page, not an error);
and then, ROUNDS times, what patients do that writes:
  - diary:    open today's diary and save it (every third one with chest pain: an emergency that
              raises an alert and emails the care team after commit);
  - double:   the same diary form sent twice at once (a double click): both must end on the
              same entry page;
  - check:    the nine steps of the side-effect check (every step writes the session; the last
              stores the check and its triage event);
  - register: a new person asks for an account, then follows the emailed link (read from the
              data folder: `make run` writes emails as files) and chooses a password (hashed on purpose
              slowly, outside the transaction).
Prints, per database, write requests per second, p50/p99 latency of the write requests, and the
errors: any 5xx, any unexpected answer (a form error, a wrong redirect), any lost connection.
N = BENCH_WRITERS or --writers (default 8), ROUNDS = BENCH_ROUNDS (default 5).
Loopback only; the run is bounded by ROUNDS.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from sideeffects_support import CALM  # noqa: E402 - the check's nine steps with nothing to report

WRITERS = int(os.environ.get("BENCH_WRITERS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")  # `make run`'s default
PASSWORD = "bench writer password 2024"  # noqa: S105 - a throwaway account on a throwaway database

# A diary day with nothing wrong, for the default symptoms (careguide/diary/wording.py).
QUIET_DAY = {
    "nausea__frequency": "0", "vomiting__frequency": "0", "diarrhea__frequency": "0",
    "constipation__severity": "0", "mouth-or-throat-sores__severity": "0", "fatigue__severity": "0",
    "decreased-appetite__severity": "0", "pain__frequency": "0",
    "numbness-tingling-in-hands-feet__severity": "0", "rash__presence": "no",
    "temperature": "36.8", "temperature_unit": "C", "generally_unwell": "no", "chest_pain": "no",
    "bleeding": "0", "saddle_numbness": "no", "bladder_bowel_loss": "no",
}
LINK = re.compile(r"https?://[^/\s]+(/account/register/confirm/[^/\s]+/)")
HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[^"]+)" value="(?P<value>[^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a browser without JavaScript: cookies, CSRF, no automatic redirects ----------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace"), err.headers.get("Location", "")

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        pairs = [("csrfmiddlewaretoken", self.csrf())]
        for name, value in data.items():
            pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
        body = urllib.parse.urlencode(pairs).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path}))


def hidden_fields(html: str) -> dict:
    """The form's hidden inputs other than the CSRF token (e.g. the diary's one-time submission key)."""
    return {m["name"]: m["value"] for m in HIDDEN.finditer(html) if m["name"] != "csrfmiddlewaretoken"}


# --- one database ------------------------------------------------------------------------------------


def server_env(data_dir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREGUIDE_"))}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1", WORKERS=WORKERS)
    return env  # DATABASE_URL stays when scripts/with-postgres set it


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([str(ROOT / "scripts" / "serve")], cwd=ROOT, env=server_env(data_dir, port),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return proc
        except OSError:
            time.sleep(0.5)
    stop(proc)
    sys.exit(f"server did not start; see {log.name}:\n" + (data_dir / "server.log").read_text()[-2000:])


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


MAKE_WRITERS = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from careguide.accounts import forms, services
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam
from careguide.diary import services as diary, wording
from careguide.referrals import workflow
from careguide.referrals.models import Referral, Slot
User = get_user_model()
team = CareTeam.objects.get(name="Cancer care team")
nurse = User.objects.create_user("bench.nurse", password={password!r})
careteam.add_member(None, team, nurse, "nurse")
doctor = User.objects.get(username="oncologist")
gp = User.objects.get(username="gp")
start = timezone.now().replace(microsecond=0) + timedelta(days=2)
for i in range({n}):
    user = services.register_patient(email=f"writer{{i}}@bench.example.org", password={password!r},
                                     first_name=f"Writer{{i}}", consent_wording=forms.CONSENT_WORDING)
    careteam.assign_patient(None, team, user)
    diary.set_tracked(user, list(wording.DEFAULT_TERMS))
    referral = workflow.start(Referral(patient=user, referrer=gp, reason="Bench", team=team), actor=gp)
    workflow.move(referral, "sent", actor=gp)
    workflow.move(referral, "accepted", actor=nurse)
    print("referral", i, referral.pk)
    if i % 2 == 0:
        slot = Slot.objects.create(clinician=doctor, location="fremont", start=start + timedelta(hours=i),
                                   end=start + timedelta(hours=i, minutes=30))
        print("slot", i, slot.pk)
"""


def make_writers(data_dir: Path, port: int, n: int) -> dict:
    """N patients of the demo team tracking the default symptoms, each with an accepted referral,
    a nurse to book, and a slot for every two referrals (so two nurses want each slot)."""
    done = subprocess.run([str(ROOT / "scripts" / "with-local-env"), "careguide", "shell", "-c",
                           MAKE_WRITERS.format(n=n, password=PASSWORD)],
                          cwd=ROOT, env=server_env(data_dir, port), check=True, capture_output=True, text=True)
    made: dict = {"emails": [f"writer{i}@bench.example.org" for i in range(n)], "referral": {}, "slot": {}}
    for line in done.stdout.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] in ("referral", "slot"):
            made[words[0]][int(words[1])] = words[2]
    return made


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def timed(self, kind: str, call, expect):
        """Run one write request; record its latency and, if the answer is not what a person
        should get, an error. Returns the answer."""
        started = time.perf_counter()
        try:
            status, body, location = call()
        except (OSError, ValueError) as exc:
            status, body, location = 0, type(exc).__name__, ""
        elapsed = (time.perf_counter() - started) * 1000
        problem = expect(status, body, location)
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            if problem:
                self.errors.setdefault(kind, []).append(problem)
        return status, body, location


def _redirect_to(pattern: str):
    def expect(status, body, location):
        if status >= 500 or status == 0:
            return f"HTTP {status}" + (" database is locked" if "database is locked" in body else "")
        if status not in (302, 303) or not re.search(pattern, location):
            return f"HTTP {status} -> {location or 'no redirect'}"
        return None
    return expect


def sign_in(base: str, username: str, tally: Tally) -> Browser | None:
    browser = Browser(base)
    browser.get("/account/sign-in/")
    status, _, _ = browser.post("/account/sign-in/", {"username": username, "password": PASSWORD})
    if status != 302:
        with tally.lock:
            tally.errors.setdefault("sign-in", []).append(f"HTTP {status}")
        return None
    return browser


def emailed_link(emails: Path, email: str) -> str:
    """The finish-registering link the server emailed to ``email``: `make run` writes each email
    as a file in the data folder's emails/ (the file email backend)."""
    for _ in range(50):
        for path in sorted(emails.glob("*"), key=lambda p: p.stat().st_mtime, reverse=True):
            for message in reversed(path.read_text(errors="replace").split("-" * 79)):
                if f"To: {email}" in message and (found := LINK.search(message)):
                    return found.group(1)
        time.sleep(0.1)
    return "/account/register/confirm/not-found/"


def writer(base: str, emails: Path, made: dict, index: int, tally: Tally, barrier: threading.Barrier) -> None:
    patient = sign_in(base, made["emails"][index], tally)
    nurse = sign_in(base, "bench.nurse", tally)
    if patient is None or nurse is None:
        barrier.abort()
        return
    barrier.wait(timeout=120)

    # Two nurses at a time book the same slot, each for their own patient: one books, the
    # other is told the time was just taken (a page, not an error).
    slot = made["slot"][index - index % 2]
    tally.timed("book", lambda: nurse.post(f"/appointments/book/{made['referral'][index]}/", {"slot": slot}),
                lambda status, body, location: None if (status == 302 and location.endswith("/appointments/"))
                or (status == 200 and "That time was just taken" in body) else f"HTTP {status} -> {location}")

    for round_ in range(ROUNDS):
        # Diary: every third one an emergency (chest pain), which raises an alert.
        diary(patient, tally, "diary", chest_pain=(index + round_) % 3 == 0)
        # A double click: the same form twice at once, from the same browser.
        diary(patient, tally, "double", twice=True)
        # The side-effect check: nine steps, the last stores the check.
        patient.get("/side-effect-check/?restart=1")
        for step, data in enumerate(CALM):
            last = step == len(CALM) - 1
            expect = _redirect_to(r"/side-effect-check/results?/" if last else r"/side-effect-check/")
            tally.timed("check", lambda data=data, step=step: patient.post(
                "/side-effect-check/", {**data, "_step": str(step), "_action": "continue"}), expect)
        # A new person registers: the form, then the emailed link and the password.
        register(base, emails, f"new{index}-{round_}@bench.example.org", tally)


def diary(patient: Browser, tally: Tally, kind: str, *, chest_pain: bool = False, twice: bool = False) -> None:
    _, html, _ = patient.get("/diary/today/")
    day = {**QUIET_DAY, **hidden_fields(html), "chest_pain": "yes" if chest_pain else "no"}
    expect = _redirect_to(r"/diary/entries/\d+/$")
    if not twice:
        tally.timed(kind, lambda: patient.post("/diary/today/", day), expect)
        return
    answers: list = []
    twins = [threading.Thread(target=lambda: answers.append(
        tally.timed(kind, lambda: patient.post("/diary/today/", day), expect))) for _ in range(2)]
    for t in twins:
        t.start()
    for t in twins:
        t.join()
    if len({a[2] for a in answers}) != 1:
        with tally.lock:
            tally.errors.setdefault(kind, []).append("the two sendings ended on different entries")


def register(base: str, emails: Path, email: str, tally: Tally) -> None:
    stranger = Browser(base)
    stranger.get("/account/register/")
    tally.timed("register", lambda: stranger.post("/account/register/", {"email": email, "first_name": "New"}),
                _redirect_to(r"/account/register/check-your-email/$"))
    stranger.get(emailed_link(emails, email))
    tally.timed("register", lambda: stranger.post("/account/register/finish/", {
        "password1": PASSWORD, "password2": PASSWORD, "consent": "on"}), _redirect_to(r"/account/$"))


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))] if ordered else float("nan")


def run_one(database: str, writers: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"careguide-bench-writes-{database}-"))
    port = free_port()
    server = start_server(folder, port)
    try:
        base = f"http://127.0.0.1:{port}"
        made = make_writers(folder, port, writers)
        tally = Tally()
        barrier = threading.Barrier(writers)
        threads = [threading.Thread(target=writer, args=(base, folder / "emails", made, i, tally, barrier))
                   for i in range(writers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
    finally:
        stop(server)
        log = (folder / "server.log").read_text(errors="replace")
        shutil.rmtree(folder, ignore_errors=True)
    everything = sorted(x for values in tally.latencies.values() for x in values)
    kinds = {}
    for kind, values in sorted(tally.latencies.items()):
        ordered = sorted(values)
        kinds[kind] = {"requests": len(ordered), "errors": len(tally.errors.get(kind, [])),
                       "p50": percentile(ordered, 50), "p99": percentile(ordered, 99),
                       "kinds": sorted(set(tally.errors.get(kind, [])))[:5]}
    for kind in set(tally.errors) - set(kinds):
        kinds[kind] = {"requests": 0, "errors": len(tally.errors[kind]), "p50": float("nan"),
                       "p99": float("nan"), "kinds": sorted(set(tally.errors[kind]))[:5]}
    return {"database": database, "writers": writers, "rounds": ROUNDS, "workers": WORKERS,
            "seconds": seconds, "requests": len(everything),
            "throughput": len(everything) / seconds if seconds else 0.0,
            "p50": percentile(everything, 50), "p99": percentile(everything, 99),
            "mean": statistics.fmean(everything) if everything else float("nan"),
            "errors": sum(len(v) for v in tally.errors.values()), "by_kind": kinds,
            "server_errors_logged": log.count("Internal Server Error")}


def report(result: dict) -> None:
    r = result
    print(f"\n{r['database']}: {r['writers']} writers x {r['rounds']} rounds, gunicorn {r['workers']} workers, "
          f"{r['seconds']:.1f} s")
    print(f"  {r['requests']} write requests, {r['throughput']:.1f}/s; latency ms p50 {r['p50']:.1f}, "
          f"p99 {r['p99']:.1f}, mean {r['mean']:.1f}; errors {r['errors']} "
          f"(server log: {r['server_errors_logged']} internal server errors)")
    for kind, k in r["by_kind"].items():
        print(f"    {kind:<9} {k['requests']:>5} requests  p50 {k['p50']:>7.1f}  p99 {k['p99']:>7.1f}  "
              f"errors {k['errors']}" + (f"  ({'; '.join(k['kinds'])})" if k["kinds"] else ""))


def main(writers: int) -> int:
    results = []
    for database in ("sqlite", "postgresql"):
        print(f"== {database}: starting the production server and {writers} writers ...", flush=True)
        command = [sys.executable, __file__, "--one", database, "--writers", str(writers)]
        if database == "postgresql":
            command = [str(ROOT / "scripts" / "with-postgres"), *command]
        env = dict(os.environ)
        if database == "sqlite":
            env.pop("DATABASE_URL", None)
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            return 1
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for result in results:
        report(result)
    print()
    ok = True
    for r in results:
        passed = r["errors"] == 0 and r["server_errors_logged"] == 0
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {r['database']}: {r['writers']} concurrent writers, no errors "
              f"({r['errors']})")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=WRITERS, help="concurrent writers (default 8)")
    parser.add_argument("--one", choices=("sqlite", "postgresql"), help="internal: run one database")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.writers)))
        sys.exit(0)
    sys.exit(main(args.writers))
