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
        Tool(
            key="prepare-for-procedure",
            title="Prepare for your procedure",
            description=(
                "Checklists for a biopsy, surgery, radiation, chemotherapy, a lumbar puncture or a stem cell "
                "transplant: what to do before, on the day and after. Tick things off and print the list."
            ),
            url_name="procedures:index",
        ),
        Tool(
            key="treatment-plan",
            title="Your treatment plan",
            description=(
                "See each part of your treatment on a timeline: what it is for, when it happens, and which "
                "side effects to watch for now."
            ),
            url_name="journey:timeline",
        ),
        Tool(
            key="my-referral",
            title="Your referral and first visit",
            description=(
                "See where your referral to Cancer Care is, get ready for your first visit, and answer a few "
                "questions before it."
            ),
            url_name="referrals:mine",
        ),
        Tool(
            key="appointments",
            title="Your appointments",
            description="See your visits, add them to your calendar, and ask to change or cancel one.",
            url_name="appointments:mine",
        ),
    ]
}


def choices():
    return [(key, tool.title) for key, tool in TOOLS.items()]
