"""The pages every public-sector service has: accessibility statement, privacy notice,
cookies and help for each role. Readable without signing in, as the regulations expect."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import PasswordChangeView
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.forms import ThrottledPasswordChangeForm

# Help pages: URL slug -> (title, the roles it is for). One page per role people hold.
HELP_PAGES = {
    "officers": ("Help for action owners", [Role.OFFICER]),
    "directors": ("Help for directors", [Role.DIRECTOR]),
    "performance-team": ("Help for the performance team", [Role.PERFORMANCE]),
    "councillors": ("Help for Cabinet and Scrutiny members", [Role.CABINET, Role.SCRUTINY]),
}


@method_decorator(login_not_required, name="dispatch")
class ServicePageView(TemplateView):
    """A fixed page of the service; ``template_name`` is given in the URLconf."""


class CookiesView(ServicePageView):
    """The cookies page, with the session lifetimes as configured, not as once typed."""

    template_name = "accounts/cookies.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            idle_minutes=settings.SESSION_COOKIE_AGE // 60,
            absolute_hours=settings.SESSION_ABSOLUTE_AGE // 3600,
            **kwargs,
        )


@method_decorator(login_not_required, name="dispatch")
class HelpView(TemplateView):
    """The help index, or one role's help page."""

    def get_template_names(self):
        slug = self.kwargs.get("slug")
        if slug is None:
            return ["accounts/help/index.html"]
        if slug not in HELP_PAGES:
            raise Http404("No such help page")
        return [f"accounts/help/{slug}.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            help_pages=[(slug, title) for slug, (title, _) in HELP_PAGES.items()],
            help_title=HELP_PAGES.get(self.kwargs.get("slug"), ("Help", []))[0],
            **kwargs,
        )


class ThrottledPasswordChangeView(PasswordChangeView):
    """Django's password change page with ``ThrottledPasswordChangeForm``."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
