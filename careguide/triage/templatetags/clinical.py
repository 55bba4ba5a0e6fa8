"""``{{ text|clinical }}``: fill in the clinical tokens of content ({fever}, {vomits:now}...)
from the rules in force (careguide.triage.values). Safe HTML stays safe: a token's words are
digits, spaces and the degree sign, never markup."""

from django import template
from django.utils.safestring import SafeData, mark_safe

from careguide.triage.deployment import fill

register = template.Library()


@register.filter
def clinical(value):
    if value is None or value == "":
        return value
    if isinstance(value, SafeData):
        return mark_safe(fill(str(value)))  # noqa: S308 - tokens become plain words, no markup
    text = getattr(value, "source", None)
    if text is not None and hasattr(value, "__html__"):  # a Wagtail RichText: fill its HTML
        return mark_safe(fill(str(value)))  # noqa: S308
    return fill(str(value))
