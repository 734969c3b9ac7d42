"""Describes Tideline's authentication to drf-spectacular, so the schema is accurate."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "agencies.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/v1/auth/token/. Expires after 30 minutes "
            "unused or 12 hours in all.",
        }


class SignedInSessionScheme(OpenApiAuthenticationExtension):
    target_class = "agencies.authentication.SignedInSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
