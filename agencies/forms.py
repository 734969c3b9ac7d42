from django import forms

from agencies.models import Role


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        error_messages={"required": "Enter the 6-digit security code."},
        help_text="The 6-digit code from your authenticator app.",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class EnrolmentForm(forms.Form):
    """The person's own password, twice, and a code from the authenticator they have
    just added. Every field's rule is the enrolment service's, so none is required
    here: the service names each missing or wrong field."""

    password = forms.CharField(
        label="Create a password",
        help_text=(
            "At least 12 characters. Do not use a common password or one like your "
            "name or username."
        ),
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Enter the password again",
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows after you add Tideline to it.",
        required=False,
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        error_messages={"required": "Give a reason for this change."},
        help_text="Kept in the account's history and the access log.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MemberCreateForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})
    )
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    team = forms.ChoiceField(required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "No team")] + [(str(t.id), t.name) for t in teams]


class MemberChangeForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    team = forms.ChoiceField(required=False)
    reason = forms.CharField(
        max_length=500,
        help_text="Kept in the account's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "No team")] + [(str(t.id), t.name) for t in teams]
