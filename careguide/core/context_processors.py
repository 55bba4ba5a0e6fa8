from wagtail.models import Site


def organization(request):
    """`org`: the organization's details for the header, footer and care cards (cached)."""
    from careguide.library import sitecache

    site = Site.find_for_request(request)
    if site is None:
        return {"org": None}
    return {"org": sitecache.organization(site.pk)}
