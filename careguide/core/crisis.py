"""The crisis line shown beside 911: on every page, in every emergency result and in search.

The numbers are configuration (OrganizationSettings, loaded from content/site.yaml); the values
here are what a page shows when the settings cannot be read (the 500 page, a missing row) and
the defaults of those settings. In the United States the 988 Suicide & Crisis Lifeline answers
calls and texts to 988 and chats on its website, day and night.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import sitecache

NAME = "988 Suicide & Crisis Lifeline"
NUMBER = "988"
CHAT_URL = "https://988lifeline.org/chat/"
EMERGENCY = "911"


@dataclass(frozen=True)
class CrisisLine:
    name: str = NAME
    call: str = NUMBER  # call this number
    text: str = NUMBER  # or text this number
    chat_url: str = CHAT_URL
    page_url: str = ""  # our own crisis page, when it is published
    emergency: str = EMERGENCY

    def as_data(self) -> dict:
        """For the JSON APIs: {"emergency": "911", "crisis_line": {"name", "call", "text",
        "chat_url", "page_url"}}."""
        line = asdict(self)
        return {"emergency": line.pop("emergency"), "crisis_line": line}


def crisis_line(org=None) -> CrisisLine:
    """The crisis line from the organization's settings (``org`` from ``sitecache.organization``),
    with the defaults above for anything not set."""
    if org is None:
        return CrisisLine()
    return CrisisLine(
        name=getattr(org, "crisis_line_name", "") or NAME,
        call=getattr(org, "crisis_line_number", "") or NUMBER,
        text=getattr(org, "crisis_text_number", "") or NUMBER,
        chat_url=getattr(org, "crisis_chat_url", "") or CHAT_URL,
        page_url=getattr(org, "crisis_url", "") or "",
        emergency=getattr(org, "emergency_number", "") or EMERGENCY,
    )


def current() -> CrisisLine:
    """The default site's crisis line (for code without a request: APIs, emails)."""
    return crisis_line(sitecache.default_organization())
