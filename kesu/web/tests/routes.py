"""Every URL pattern of the project and every operation of the API schema, for the matrix."""

import re
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    path: str  # the pattern as written, e.g. "/complaints/<int:pk>/"
    pattern: URLPattern


def _walk(resolver, prefix: str = "", namespace: str = ""):
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = namespace
            if item.namespace:
                ns = f"{namespace}{item.namespace}:"
            yield from _walk(item, prefix + str(item.pattern), ns)
        elif isinstance(item, URLPattern):
            name = (
                f"{namespace}{item.name}" if item.name else f"{namespace}<{prefix}{item.pattern}>"
            )
            yield Route(name, "/" + prefix + str(item.pattern), item)


def url_routes() -> list[Route]:
    """All URL patterns, recursively, with their namespaced names."""
    return list(_walk(get_resolver()))


@cache
def route_paths() -> dict[str, str]:
    return {route.name: route.path for route in url_routes()}


def schema_path(path: str) -> str:
    """A route's path as the OpenAPI schema writes it: <kesu_id:pk> → {id}."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return path.replace("{pk}", "{id}")


def schema_operations() -> set[tuple[str, str]]:
    """(path, METHOD) of every operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
