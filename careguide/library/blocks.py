"""StreamField blocks of library pages. Child names match content/ files (schema.py)."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from careguide.core.tools import choices as tool_choices

PROSE = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link"]
INLINE = ["bold", "italic", "link"]


class KeyPointsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Key points")
    items = blocks.ListBlock(blocks.CharBlock(max_length=600), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "library/blocks/key_points.html"
        label = "Key points"


LEVELS = ("emergency", "urgent", "within_24_hours", "routine")


class WhenToGetHelpBlock(blocks.StructBlock):
    """Four levels of urgency, drawn like NHS care cards: the side-effect rules' emergency, red
    (now), amber (within 24 hours) and green (next visit)."""

    heading = blocks.CharBlock(default="When to get help")
    emergency = blocks.ListBlock(
        blocks.CharBlock(max_length=600), required=False, label="Call 911 now if"
    )
    urgent = blocks.ListBlock(
        blocks.CharBlock(max_length=600), required=False, label="Call your care team now if"
    )
    within_24_hours = blocks.ListBlock(
        blocks.CharBlock(max_length=600), required=False, label="Call your care team within 24 hours if",
        help_text="Write thresholds as tokens, e.g. {vomits:within_24_hours}, so they follow the rules.",
    )
    routine = blocks.ListBlock(
        blocks.CharBlock(max_length=600), required=False, label="Mention it at your next visit if"
    )

    def clean(self, value):
        value = super().clean(value)
        if not any(value.get(level) for level in LEVELS):
            raise blocks.StructBlockValidationError(
                block_errors={"emergency": ["Give at least one sign for one of the three levels."]}
            )
        return value

    class Meta:
        icon = "warning"
        template = "library/blocks/when_to_get_help.html"
        label = "When to get help"


class SideEffectListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Possible side effects")
    intro = blocks.RichTextBlock(features=INLINE, required=False)
    items = blocks.ListBlock(SnippetChooserBlock("library.SideEffect"), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "library/blocks/side_effects.html"
        label = "Side-effect list"


class PhaseBlock(blocks.StructBlock):
    name = blocks.CharBlock()
    duration = blocks.CharBlock(help_text="For example: about 1 month")
    description = blocks.RichTextBlock(features=INLINE + ["ul"])


class PhasesBlock(blocks.StructBlock):
    heading = blocks.CharBlock()
    intro = blocks.RichTextBlock(features=INLINE, required=False)
    items = blocks.ListBlock(PhaseBlock(), min_num=1)

    class Meta:
        icon = "order"
        template = "library/blocks/phases.html"
        label = "Treatment phases"


class TypeItemBlock(blocks.StructBlock):
    name = blocks.CharBlock()
    description = blocks.RichTextBlock(features=INLINE, required=False)


class TypesBlock(blocks.StructBlock):
    heading = blocks.CharBlock()
    intro = blocks.RichTextBlock(features=INLINE, required=False)
    items = blocks.ListBlock(TypeItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "library/blocks/types.html"
        label = "List of types"


class CalloutBlock(blocks.StructBlock):
    variant = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("important", "Important"), ("warning", "Warning")],
        default="info",
    )
    heading = blocks.CharBlock()
    text = blocks.RichTextBlock(features=INLINE + ["ul"])

    class Meta:
        icon = "help"
        template = "library/blocks/callout.html"
        label = "Callout"


class BackPainGateBlock(blocks.StructBlock):
    """The back-pain program's red-flag question, where the seed pages show it.

    The four questions and the button are fixed (they follow the clinical rules); with
    JavaScript the button opens the gate as a dialog, without it the gate is a page.
    """

    class Meta:
        icon = "warning"
        template = "library/blocks/back_pain_gate.html"
        label = "Back pain program: red-flag questions"


class HealthToolsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Related health tools")
    tools = blocks.ListBlock(blocks.ChoiceBlock(choices=tool_choices))

    class Meta:
        icon = "cogs"
        template = "library/blocks/health_tools.html"
        label = "Related health tools"


class SourceBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    publisher = blocks.CharBlock(required=False)
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        template = "library/blocks/source.html"


def body_blocks():
    return [
        ("text", blocks.RichTextBlock(features=PROSE, template="library/blocks/text.html")),
        ("key_points", KeyPointsBlock()),
        ("when_to_get_help", WhenToGetHelpBlock()),
        ("side_effects", SideEffectListBlock()),
        ("phases", PhasesBlock()),
        ("types", TypesBlock()),
        ("callout", CalloutBlock()),
        ("back_pain_gate", BackPainGateBlock()),
        ("health_tools", HealthToolsBlock()),
    ]
