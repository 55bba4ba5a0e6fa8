from .pages import (  # noqa: F401
    ConditionPage,
    GlossaryPage,
    HomePage,
    LibraryPage,
    SectionPage,
    SideEffectsPage,
    TopicPage,
    TreatmentPage,
)
from .snippets import GlossaryTerm, SideEffect  # noqa: F401
from .syndicated import SyndicatedIndexPage, SyndicatedPage, under_house_rules  # noqa: F401
