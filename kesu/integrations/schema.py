"""How the OpenAPI schema describes the integration token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kesu.integrations.authentication.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An integration's key, issued in the administration under Integrations: "
                "`Authorization: Bearer kesu_…`."
            ),
        }
