from django.conf import settings
from django.db import models

from reviews.models import Council, Directorate
from tracker.people import display_name


class Profile(models.Model):
    """What the tracker needs to know about a person beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="people")
    directorate = models.ForeignKey(
        Directorate, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = "profile"

    def __str__(self):
        return display_name(self.user)
