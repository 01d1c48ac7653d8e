"""Number fields of the site's forms and input serializers refuse other scripts' digits."""

from __future__ import annotations

from .corpus import SCHEMA


def _subclasses(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _site_classes(base) -> list:
    local = ("institutions.", "products.", "orders.", "profiles.", "marketplace.")
    return [cls for cls in set(_subclasses(base)) if cls.__module__.startswith(local)]


def test_every_number_field_refuses_other_scripts_digits():
    """Python's ``int`` and ``Decimal`` read ``"１２"`` (full-width) and ``"١٢"`` (Arabic-Indic)
    as 12, and so did Django's and DRF's integer and decimal fields: every such field of a
    form or an input serializer of the site refuses them, and takes ``"12"``."""
    from django import forms
    from django.core.exceptions import ValidationError as FormError
    from rest_framework import serializers
    from rest_framework.exceptions import ValidationError as ApiError

    import marketplace.urls  # noqa: F401 - every app's forms and serializers loaded

    lenient = []
    for form in _site_classes(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                assert field.to_python("12") == 12, (form, name)
                for digits in ("１２", "١٢"):
                    try:
                        field.to_python(digits)
                    except FormError:
                        continue
                    lenient.append(f"{form.__module__}.{form.__name__}.{name} took {digits!r}")
    bodies = {  # the request bodies' components, named for their serializers
        content["schema"]["$ref"].rsplit("/", 1)[-1].removesuffix("Request")
        for operations in SCHEMA["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        if "$ref" in content.get("schema", {})
    }
    inputs = [
        s
        for s in _site_classes(serializers.Serializer)
        if s.__name__.removesuffix("Serializer") in bodies
    ]
    assert len(inputs) > 20, bodies
    for serializer in inputs:
        for name, field in getattr(serializer, "_declared_fields", {}).items():
            numeric = isinstance(field, serializers.IntegerField | serializers.DecimalField)
            if numeric and not field.read_only:
                for digits in ("１２", "١٢"):
                    try:
                        field.to_internal_value(digits)
                    except ApiError:
                        continue
                    lenient.append(f"{serializer.__module__}.{serializer.__name__}.{name}")
    assert not lenient, "\n".join(lenient)
