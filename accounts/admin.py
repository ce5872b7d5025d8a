from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.models import Profile
from reviews.admin import CouncilScopedAdminMixin


@admin.register(Profile)
class ProfileAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "job_title", "directorate", "council"]
    list_filter = ["council", "directorate"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]


class ScopedUserAdmin(CouncilScopedAdminMixin, UserAdmin):
    """Django's user admin, limited like every other admin page to the person's council."""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ScopedUserAdmin)
