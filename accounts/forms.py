"""Forms for a person's own account."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, where a wrong old password counts as a failed sign-in.

    Without this, someone at an unlocked desk could guess the old password without limit. Each
    wrong one is reported as a failed sign-in (django-axes counts it for the username and
    address, and the audit log records it); once the pair is locked out the form refuses even
    the right password until the cool-off ends, and answers with the lockout page (429)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if self.request is not None and AxesProxyHandler.is_locked(self.request, credentials):
            self.request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            self.request.axes_credentials = credentials
            raise forms.ValidationError("Too many wrong passwords. Try again later.")
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=self.request)
            raise
