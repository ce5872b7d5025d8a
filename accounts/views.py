from django.contrib.auth.views import PasswordChangeView

from accounts.forms import ThrottledPasswordChangeForm


class ThrottledPasswordChangeView(PasswordChangeView):
    """Django's password change page with ``ThrottledPasswordChangeForm``."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
