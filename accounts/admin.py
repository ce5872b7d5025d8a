from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "job_title", "directorate", "council"]
    list_filter = ["council", "directorate"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
