from django import forms

from agencies.models import Role


def _password_field(*, autocomplete: str, **options) -> forms.CharField:
    """A password as typed: never stripped, and at most Django's own limit."""
    return forms.CharField(
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **options,
    )


def _code_field(**options) -> forms.CharField:
    """The 6-digit code of an authenticator app (a little room for spaces)."""
    return forms.CharField(
        label="Security code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        **options,
    )


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = _password_field(
        autocomplete="current-password", error_messages={"required": "Enter your password."}
    )


class CodeForm(forms.Form):
    code = _code_field(
        error_messages={"required": "Enter the 6-digit security code."},
        help_text="The 6-digit code from your authenticator app.",
    )


class EnrolmentForm(forms.Form):
    """The person's own password, twice, and a code from the authenticator they have
    just added. Every field's rule is the enrolment service's, so none is required
    here: the service names each missing or wrong field."""

    password = _password_field(
        autocomplete="new-password",
        label="Create a password",
        help_text=(
            "At least 12 characters. Do not use a common password or one like your "
            "name or username."
        ),
        required=False,
    )
    password_again = _password_field(
        autocomplete="new-password", label="Enter the password again", required=False
    )
    code = _code_field(
        help_text="The 6-digit code your authenticator app shows after you add Tideline to it.",
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        error_messages={"required": "Give a reason for this change."},
        help_text="Kept in the account's history and the access log.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class _MemberForm(forms.Form):
    """What an admin sets of a person, creating or changing them."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    team = forms.ChoiceField(required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "No team")] + [(str(t.id), t.name) for t in teams]


class MemberCreateForm(_MemberForm):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})
    )

    field_order = ["first_name", "last_name", "username", "email", "role", "team"]


class MemberChangeForm(_MemberForm):
    reason = forms.CharField(
        max_length=500,
        help_text="Kept in the account's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
