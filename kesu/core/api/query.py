"""Query parameters of the API: an empty value is refused, not read as "not given"."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY_VALUE = gettext_lazy("Give a value, or leave the parameter out.")


def wants_html(request) -> bool:
    # The browsable API's filter form sends every field of the form, the empty ones too.
    return "text/html" in request.headers.get("Accept", "")


class RefuseEmptyQueryValuesMiddleware:
    """`?until=` under /api/v1/ is a 400 naming the parameter, in the API's error shape.

    django-filter and the views read an empty value as "no filter", so a client whose
    variable was empty got the whole list and could not tell it from a filtered one. The
    schema says so with `minLength: 1` (kesu.core.api.schema). Runs after LocaleMiddleware,
    for the message's language, and before routing, so it holds for every list and report.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = request.method in ("GET", "HEAD")  # another method is a 405 first
        if (
            reads
            and request.path_info.startswith("/api/v1/")
            and request.GET
            and not wants_html(request)
        ):
            empty = sorted({name for name, values in request.GET.lists() if "" in values})
            if empty:
                return JsonResponse(
                    {
                        "error": {
                            "code": "invalid",
                            "message": _("Some fields are not valid."),
                            "fields": {name: [str(EMPTY_VALUE)] for name in empty},
                        }
                    },
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
        return self.get_response(request)
