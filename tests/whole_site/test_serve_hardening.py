"""The production server as `make run` starts it (scripts/serve): its gunicorn control socket is
its own, in its data folder, and a password-reset email goes to a file there, never to the
server log (ADR 0023)."""

import http.cookiejar
import urllib.parse
import urllib.request

import pytest


@pytest.mark.e2e
def test_the_control_socket_is_this_instances_own(server):
    assert (server["data_dir"] / "gunicorn.ctl").is_socket()


@pytest.mark.e2e
def test_a_password_reset_link_is_written_to_a_file_not_the_log(server):
    base = server["base"]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/account/password-reset/").read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "patient@example.org"}).encode()
    request = urllib.request.Request(base + "/account/password-reset/", data=data,
                                     headers={"Referer": base + "/account/password-reset/"})
    assert opener.open(request).status == 200  # followed to "check your email"
    emails = list((server["data_dir"] / "emails").glob("*.log"))
    assert any("/account/password-reset/confirm/" in e.read_text() for e in emails)
    log = server["log"].read_text()
    leaks = [line for line in log.splitlines() if "/account/password-reset/confirm/" in line
             or line.startswith(("To: ", "Subject: "))]
    assert leaks == []
