"""Sections other apps add to the account page, without the accounts app knowing them.

An app registers a template in its AppConfig.ready():

    from careguide.accounts.sections import register_section
    register_section("backpain/includes/account_section.html")

The template is included inside `{% block account_sections %}` of accounts/home.html with
the page's context (`user`, `request`), in the order the apps are loaded. It should render a
`<section class="account-section">` with an h2.
"""

_SECTIONS: list[str] = []


def register_section(template_name: str) -> None:
    if template_name not in _SECTIONS:
        _SECTIONS.append(template_name)


def registered() -> list[str]:
    return list(_SECTIONS)
