"""A server error's traceback in the log names the exceptions and their frames but never their
messages, which can repeat a symptom or an answer someone sent (ADR 0023)."""

import io
import json
import logging

import pytest
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from careguide.config import urls as site_urls


@csrf_exempt
def broken(request):
    """A bug that puts what was sent into exception messages (a KeyError, then a ValueError)."""
    answers = json.loads(request.body)
    try:
        return answers[answers["symptom"]]
    except KeyError as exc:
        raise ValueError(answers["temperature"]) from exc


urlpatterns = [path("broken/", broken), *site_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_a_500_logs_the_traceback_without_what_was_sent(db):
    # The configured console handler's own filters and format, writing where the test can read.
    logger = logging.getLogger("django.request")
    console = logger.handlers[0]
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(console.formatter)
    for configured in console.filters:
        handler.addFilter(configured)
    logger.handlers.insert(0, handler)  # first, as the console handler is in production
    try:
        response = Client(raise_request_exception=False).post(
            "/broken/", {"symptom": "vomited 4 times", "temperature": "fever 39.4"}, content_type="application/json")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    log = captured.getvalue()
    assert "Internal Server Error: /broken/" in log
    assert "KeyError: (message withheld" in log and "ValueError: (message withheld" in log
    assert 'test_log_withholds_exception_text.py", line' in log  # where it happened is kept
    assert "vomited" not in log and "39.4" not in log
