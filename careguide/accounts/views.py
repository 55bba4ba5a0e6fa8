"""Patient accounts on the public site: Django's auth views with our forms and templates.

Everyone signs in at /account/sign-in/ and is taken to their own place (``landing_url``):
care-team staff to /care-team/, primary-care doctors to /referrals/, editors, reviewers and
administrators to /admin/. Wagtail's /admin/login/ stays for the admin, and sends anyone else
to their place (``AdminSignInView``). Every page here that shows a form or a person's
details is marked never_cache, so neither browsers nor the anonymous page cache
(core/pagecache.py) keep it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView
from wagtail.admin.views import account as wagtail_account

from careguide.accounts.roles import is_primary_care
from careguide.careteam.scoping import is_care_team
from careguide.core.context_processors import organization

from . import forms, registration, sections, services

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request) -> str:
    """The `next` address if it stays on this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def _site(request) -> registration.Site:
    org = organization(request)["org"]
    return registration.Site(base_url=request.build_absolute_uri("/").rstrip("/"),
                             name=getattr(org, "site_name", "") or "Cancer Care Guide")


@never_cache
def register(request):
    """Step 1: an email address and a first name; then "check your email", whatever the address."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:home")
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration.start(email=form.cleaned_data["email"], first_name=form.cleaned_data["first_name"].strip(),
                           next_url=next_url, site=_site(request))
        return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


@never_cache
def register_sent(request):
    return render(request, "accounts/register_sent.html", {"link_hours": registration.LINK_HOURS})


REGISTRATION_TOKEN = "_registration_token"  # noqa: S105 - a session key, not a secret


@never_cache
def register_confirm(request, token):
    """The emailed link: keep its token in the session and move to a page whose address does
    not hold it (as Django's password reset does), so it stays out of history and Referer."""
    if registration.pending_for(token) is None:
        return _link_invalid(request)
    request.session[REGISTRATION_TOKEN] = token
    return redirect("accounts:register_finish")


def _link_invalid(request):
    return render(request, "accounts/register_link_invalid.html", {"link_hours": registration.LINK_HOURS},
                  status=404)


@never_cache
@sensitive_post_parameters("password1", "password2")
def register_finish(request):
    """Step 2: the owner of the address chooses a password and agrees; the account is made."""
    token = request.session.get(REGISTRATION_TOKEN, "")
    pending = registration.pending_for(token)
    if pending is None:
        return _link_invalid(request)
    form = forms.FinishRegistrationForm(request.POST or None, email=pending.email, first_name=pending.first_name)
    if request.method == "POST" and form.is_valid():
        try:
            user, next_url = registration.finish(token, password=form.cleaned_data["password1"],
                                                 consent_wording=forms.CONSENT_WORDING)
        except (registration.LinkInvalid, services.EmailTaken):
            # Used or expired meanwhile, or another link to this address was used first (the
            # page says to sign in if the account is made).
            return _link_invalid(request)
        finally:
            request.session.pop(REGISTRATION_TOKEN, None)
        if request.user.is_authenticated:
            logout(request)  # someone else was signed in on this browser
        login(request, user, backend=MODEL_BACKEND)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        return redirect(next_url or "accounts:home")
    return render(request, "accounts/register_finish.html", {"form": form, "email": pending.email},
                  status=400 if form.errors else 200)


def landing_url(user) -> str:
    """Where a person goes after signing in when no page asked for them: care-team staff to
    the care-team queue, primary-care doctors to their referrals, editors, reviewers and
    administrators to the admin, everyone else to their account page."""
    if is_care_team(user):
        try:
            return reverse("alerts:queue")
        except NoReverseMatch:  # the queue's URL is not routed (yet): the account page will do
            pass
    if is_primary_care(user):
        return reverse("referrals:list")
    if user.has_perm("wagtailadmin.access_admin"):
        return reverse("wagtailadmin_home")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def may_open(user, url: str) -> bool:
    """A `next` address into the admin is followed only for people who may use the admin,
    so a patient is never sent there (the admin would only show them its sign-in page)."""
    if urlsplit(url).path.startswith(reverse("wagtailadmin_home")):
        return user.has_perm("wagtailadmin.access_admin")
    return True


class SignInView(auth_views.LoginView):
    """The one sign-in page: patients (email address) and staff (username), each taken to their
    own place (``landing_url``); the footer's "Staff sign in" leads here. Someone already
    signed in goes straight there. django-axes counts failures here (settings AXES_*) and shows
    accounts/locked_out.html."""

    template_name = "accounts/sign_in.html"
    authentication_form = forms.SignInForm
    redirect_authenticated_user = True

    def get_success_url(self):
        user = self.request.user
        next_url = self.get_redirect_url()
        if next_url and may_open(user, next_url):
            return next_url
        return landing_url(user)


class AdminSignInView(wagtail_account.LoginView):
    """Wagtail's sign-in page (/admin/login/), for people who may use the admin. A nurse, doctor
    or patient who signs in there, or opens the admin while signed in, is taken to their own
    place instead of the admin's "you do not have permission" page."""

    def get(self, *args, **kwargs):
        user = self.request.user
        if user.is_authenticated and not user.has_perm("wagtailadmin.access_admin"):
            return redirect(landing_url(user))
        return super().get(*args, **kwargs)

    def get_success_url(self):
        if not self.request.user.has_perm("wagtailadmin.access_admin"):
            return landing_url(self.request.user)
        return super().get_success_url()


class SignOutView(auth_views.LogoutView):
    """POST signs out; GET asks first, so a link or a prefetch can never sign anyone out."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/sign_out.html"
    next_page = reverse_lazy("accounts:signed_out")


class SignedOutView(TemplateView):
    template_name = "accounts/signed_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for every address, so the form cannot tell who has an account."""

    form_class = forms.PatientPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    # Names that Django's admin templates (earlier in INSTALLED_APPS) do not use.
    email_template_name = "registration/patient_password_reset_email.txt"
    subject_template_name = "registration/patient_password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        org = organization(self.request)["org"]
        self.extra_email_context = {
            "service_name": getattr(org, "site_name", "") or "Cancer Care Guide",
            "link_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.PatientSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PatientPasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@never_cache
@login_required
def home(request):
    return render(request, "accounts/home.html", {
        "account_sections": sections.registered(), "is_primary_care": is_primary_care(request.user),
    })
