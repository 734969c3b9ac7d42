from rest_framework import authentication, exceptions

from agencies.services.tokens import TokenInvalid, token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`, as issued by POST /api/v1/auth/token/."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: expected 'Bearer <token>'."
            )
        try:
            token = token_authenticate(raw=parts[1].decode("latin-1"))
        except TokenInvalid as exc:
            raise exceptions.AuthenticationFailed(exc.message) from exc
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class SignedInSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with CSRF, and only once the second factor was given."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _ = result
        if not user.is_verified():
            return None
        return result
