"""Patient account forms: Django's auth forms with plain-language labels and error messages.

Error texts follow the GOV.UK pattern: say what to do ("Enter your email address"), never
blame, and never reveal whether an email address or a password was the wrong one.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

CONSENT_WORDING = (
    "I agree that Cancer Care Guide can store the answers I give, so that I and my care team can see them"
)
PASSWORD_HINT = "Use at least 12 characters. A short sentence you can remember works well."  # noqa: S105 - a message, not a password

EMAIL_REQUIRED = "Enter your email address"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
PASSWORD_REQUIRED = "Enter your password"  # noqa: S105 - a message, not a password
NEW_PASSWORD_REQUIRED = "Create a password"  # noqa: S105 - a message, not a password
CONFIRM_REQUIRED = "Enter the password again"
PASSWORD_MISMATCH = "The passwords do not match. Enter the same password twice."  # noqa: S105 - a message, not a password
CONSENT_REQUIRED = "Tick the box to agree that we can store your answers"
INVALID_LOGIN = "Enter a correct email address and password"


def normalize_email(value: str) -> str:
    """Email addresses are the username, compared without case (Ann@X.org is ann@x.org)."""
    return value.strip().lower()


def email_field(**kwargs) -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=150,  # the username column's length
        error_messages={"required": EMAIL_REQUIRED, "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **kwargs,
    )


def password_field(label: str, autocomplete: str, required_message: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        error_messages={"required": required_message},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class PatientFormMixin:
    """Marks inputs with the classes site.css styles, and never autofocuses.

    Autofocus skips the page's heading and help text for screen-reader users; an error
    summary takes focus instead (see includes/error_summary.html).
    """

    def style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            widget.attrs.pop("autofocus", None)
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "checkbox__input")
            else:
                widget.attrs.setdefault("class", "field__input")


class RegistrationForm(PatientFormMixin, forms.Form):
    """Step 1 of registering: the address we email a link to, and a name to greet them by.
    It never says whether the address has an account (careguide.accounts.registration)."""

    email = email_field(help_text="We will email you a link to finish creating your account. "
                                  "You will use this address to sign in.")
    first_name = forms.CharField(
        label="First name", required=False, max_length=150,
        help_text="So that we can greet you.",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])


class FinishRegistrationForm(PatientFormMixin, auth_forms.SetPasswordMixin, forms.Form):
    """Step 2, from the emailed link: a password, and the consent of the address's owner."""

    password1 = password_field("Create a password", "new-password", NEW_PASSWORD_REQUIRED, PASSWORD_HINT)
    password2 = password_field("Enter the password again", "new-password", CONFIRM_REQUIRED)
    consent = forms.BooleanField(label=CONSENT_WORDING, error_messages={"required": CONSENT_REQUIRED})

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, email: str, first_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email, self.first_name = email, first_name
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The validators compare the password with the email and name, so build the user first.
        self.validate_password_for_user(
            get_user_model()(username=self.email, email=self.email, first_name=self.first_name),
            password_field_name="password1",  # noqa: S106 - a field name; the error belongs by the new password
        )
        return cleaned


class SignInForm(PatientFormMixin, auth_forms.AuthenticationForm):
    """Patients sign in with their email address; care-team staff with the username an
    administrator gave them. A text input (not type=email) so that a username is accepted."""

    username = forms.CharField(
        label="Email address",
        max_length=150,
        error_messages={"required": EMAIL_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email",
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = password_field("Password", "current-password", PASSWORD_REQUIRED)

    error_messages = {
        "invalid_login": INVALID_LOGIN,
        # ModelBackend refuses inactive accounts before this message could be shown; keep it
        # generic anyway so a custom backend cannot reveal that an account exists.
        "inactive": INVALID_LOGIN,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.style_fields()

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        # Email addresses compare without case; staff usernames are kept as they were given.
        return normalize_email(value) if "@" in value else value


class PatientPasswordResetForm(PatientFormMixin, auth_forms.PasswordResetForm):
    email = email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class PatientSetPasswordForm(PatientFormMixin, auth_forms.SetPasswordForm):
    new_password1 = password_field("New password", "new-password", NEW_PASSWORD_REQUIRED, PASSWORD_HINT)
    new_password2 = password_field("Enter the new password again", "new-password", CONFIRM_REQUIRED)

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self):
        # As on the registration form, a weak password is reported where it was typed first.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PatientPasswordChangeForm(PatientSetPasswordForm, auth_forms.PasswordChangeForm):
    old_password = password_field("Current password", "current-password", PASSWORD_REQUIRED)

    error_messages = {
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": "Your current password is not correct. Enter it again.",
    }
    field_order = ["old_password", "new_password1", "new_password2"]
