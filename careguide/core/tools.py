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
        Tool(
            key="side-effect-check",
            title="Side effect check: should I call?",
            description=(
                "Answer questions about how you feel now. We tell you if you should call 911, "
                "call your care team now or within a day, or look after yourself at home."
            ),
            url_name="sideeffects:check",
        ),
        Tool(
            key="symptom-diary",
            title="Symptom diary",
            description="Note your symptoms each day, see how they change, and print a summary for your next visit.",
            url_name="diary:home",
        ),
    ]
}


def choices():
    return [(key, tool.title) for key, tool in TOOLS.items()]
