from django.utils.html import escape
from wagtail.rich_text.pages import PageLinkHandler

from careguide.core import sitecache


class CachedPageLinkHandler(PageLinkHandler):
    """Expand ``<a linktype="page" id="N">`` from the site cache instead of the database.

    A link to a page that is not live renders as a plain ``<a>`` (no href), as Wagtail does.
    """

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        pages = sitecache.live_pages()
        out = []
        for attrs in attrs_list:
            try:
                info = pages.get(int(attrs.get("id")))
            except (TypeError, ValueError):
                info = None
            out.append(f'<a href="{escape(info.url)}">' if info else "<a>")
        return out
