"""The patient tools the library links to ("Related health tools").

Stable keys, so content files and StreamField blocks can name a tool and the link follows
the tool if its URL changes. A tool is listed only once it exists.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tool:
    key: str
    title: str
    description: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


TOOLS = {
    tool.key: tool
    for tool in [
        Tool(
            key="back-pain-program",
            title="Back pain self-care program",
            description=(
                "Six weeks of short lessons and gentle exercises. A few questions first check that it is safe for you."
            ),
            url_name="backpain:entry",
        ),
    ]
}


def choices():
    return [(key, tool.title) for key, tool in TOOLS.items()]
