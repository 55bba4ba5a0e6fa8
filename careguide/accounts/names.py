"""How a person is named on pages, in status rows and in FHIR displays."""


def display_name(user) -> str:
    """The full name, or the username when there is none; "" for nobody (the system)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()
