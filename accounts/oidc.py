"""Sign-in with the council's own identity provider (OpenID Connect), when it is switched on.

mozilla-django-oidc does the protocol (the authorisation-code flow, state and nonce, the token
exchange, the signature against the provider's published keys). This module decides who may
sign in: only a person who already has an active account with that email address in the
council the provider belongs to (``OIDC_COUNCIL``). Nobody is created, and nothing about a
person (roles above all) is taken from the provider's claims: roles are given in the tracker.

The library checks neither the ID token's audience nor, cleanly, its expiry (an expired token
raised an unhandled error); ``_verify_jws`` below checks signature, audience, issuer (when set),
expiry and issue time, and every refusal becomes the same message on the sign-in page, with the
reason in the security log."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from security.ip import client_ip

log = logging.getLogger("tracker.security")

REFUSED = (
    "Your council account could not sign you in to the tracker. Ask the corporate performance "
    "team to check that your account here has the same email address, or sign in with your "
    "username and password."
)


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """An existing account of ``OIDC_COUNCIL`` with the email the provider vouches for."""

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED or request is None or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            log.warning("oidc sign-in refused ip=%s reason=%s", client_ip(request), exc)
            return None

    def retrieve_matching_jwk(self, token):
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        # A provider with one signing key may leave the key ID out of its tokens.
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [key for key in response.json().get("keys", []) if key.get("use", "sig") == "sig"]
        if len(keys) != 1:
            raise SuspiciousOperation("the ID token names no key and the provider has several")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {header.get('alg')!r} not allowed")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER or None,
                options={"require": ["exp", "iat", "aud", "sub"]},
                leeway=60,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        users = get_user_model().objects.filter(
            email__iexact=email,
            is_active=True,
            profile__council__short_name=settings.OIDC_COUNCIL,
        )
        if users.count() != 1:
            # None, or two accounts sharing an address: never guess which person this is.
            log.warning("oidc sign-in refused: %d accounts for email=%r", users.count(), email)
            return self.UserModel.objects.none()
        return users

    def create_user(self, claims):
        raise SuspiciousOperation("accounts are never created from the identity provider")

    def update_user(self, user, claims):
        return user  # nothing, and no role, is taken from the claims


class _OnlyWhenEnabled:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Sign-in with the council's identity provider is not switched on.")
        return super().dispatch(request, *args, **kwargs)


class CouncilSignInView(_OnlyWhenEnabled, OIDCAuthenticationRequestView):
    """Sends the person to the council's identity provider."""


class CouncilSignInCallbackView(_OnlyWhenEnabled, OIDCAuthenticationCallbackView):
    """Where the provider sends the person back; a refusal goes to the sign-in page, saying so."""

    @property
    def failure_url(self):
        return settings.LOGIN_URL_PATH

    def login_failure(self):
        messages.error(self.request, REFUSED)
        return super().login_failure()
