"""What Wagtail's page editor really posts: the form's own inputs from the edit page, and its
StreamFields as the editor's JavaScript sends them (type/id/order/deleted per block, count and
value per list item, Draftail JSON for rich text), built from the page's latest revision."""

from django.urls import reverse
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text


def block_data(block, value):
    """The nested form data of one block's value (for wagtail's nested_form_data)."""
    if isinstance(block, blocks.StreamBlock):
        data = {"count": str(len(value))}
        for i, child in enumerate(value):
            data[str(i)] = {"type": child.block_type, "id": child.id or "", "deleted": "", "order": str(i),
                            "value": block_data(child.block, child.value)}
        return data
    if isinstance(block, blocks.ListBlock):
        data = {"count": str(len(value))}
        for i, child in enumerate(value.bound_blocks):
            data[str(i)] = {"value": block_data(block.child_block, child.value), "id": child.id or "",
                            "deleted": "", "order": str(i)}
        return data
    if isinstance(block, blocks.StructBlock):
        return {name: block_data(child, value.get(name)) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.RichTextBlock):
        return rich_text(value.source if value is not None else "", features=block.features)
    if isinstance(block, blocks.ChooserBlock):
        return str(getattr(value, "pk", "") or "")
    return "" if value is None else str(value)


def add_list_item(data: dict, field: str, block_type: str, list_name: str, text: str) -> dict:
    """``data`` (from stream_form_data) with ``text`` added at the end of the first
    ``block_type`` block's ``list_name`` list, as the editor's "Add" button does."""
    stream = data[field]
    index = next(k for k, v in stream.items() if k != "count" and v["type"] == block_type)
    items = stream[index]["value"][list_name]
    n = int(items["count"])
    items[str(n)] = {"value": text, "id": "", "deleted": "", "order": str(n)}
    items["count"] = str(n + 1)
    return data


def stream_form_data(page) -> dict:
    """The page's StreamFields as nested form data, from its latest revision."""
    latest = page.get_latest_revision_as_object()
    return {field.name: block_data(field.stream_block, getattr(latest, field.name))
            for field in type(latest)._meta.get_fields() if isinstance(field, StreamField)}


def edit_post(client, page, streams: dict | None = None, **extra) -> dict:
    """The edit form of ``page`` as the signed-in user's browser would send it."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form").dict()
    data.update(nested_form_data(streams if streams is not None else stream_form_data(page)))
    data.update(extra)
    return data
