"""Pages only care-team staff may open."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login

from .scoping import is_care_team


def care_team_only(forbidden):
    """A view decorator: anonymous visitors go to sign in; signed-in people outside any care team
    get ``forbidden(request)``, the app's own 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_care_team(request.user):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
