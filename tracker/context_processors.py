from django.conf import settings


def service(request):
    """Branding shown in every page header, so a council can rebrand without editing templates."""
    return {
        "service_name": settings.SERVICE_NAME,
        "council_short_name": settings.COUNCIL_SHORT_NAME,
        "oidc_enabled": settings.OIDC_ENABLED,  # the sign-in page offers the council account
        "service_contact_email": settings.SERVICE_CONTACT_EMAIL,
    }
