from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits shown by your authenticator app."), code="invalid")
        return token

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("token")
        if token and (self.device is None or not self.device.verify_token(token)):
            raise forms.ValidationError(
                _("This code is not valid. Check your device's clock and enter the current code."), code="wrong_token"
            )
        return cleaned
