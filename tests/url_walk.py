"""The URL resolver, walked: every pattern a test must cover (headers, permissions, hostile input)."""

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(*, excluded_namespaces=(), prefix="", resolver=None, namespaces=()):
    """(label, pattern, its resolver, the resolver's URL prefix) for every URL pattern.

    The label is namespace:name, or for an unnamed pattern its route after `prefix` and the
    routes of the includes it is in. Namespaces in `excluded_namespaces` are left out.
    """
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in excluded_namespaces:
                continue
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            route = str(pattern.pattern)
            assert "<" not in route and "(" not in route, f"an include with arguments: {route}"
            yield from url_patterns(
                excluded_namespaces=excluded_namespaces,
                prefix=prefix + route,
                resolver=pattern,
                namespaces=inner,
            )
        elif isinstance(pattern, URLPattern):
            label = ":".join((*namespaces, pattern.name)) if pattern.name else prefix + str(pattern.pattern)
            yield label, pattern, resolver, prefix
