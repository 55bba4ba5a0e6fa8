from wagtail.models import Site

from careguide.core import sitecache
from careguide.core.crisis import crisis_line


def organization(request):
    """`org`: the organization's details for the header, footer and care cards (cached);
    `crisis`: the crisis line shown beside 911 (careguide.core.crisis)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"org": None, "crisis": crisis_line()}
    org = sitecache.organization(site.pk)
    return {"org": org, "crisis": crisis_line(org)}
