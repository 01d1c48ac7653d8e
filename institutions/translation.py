"""Which institution fields carry both languages (django-modeltranslation): the name and the
public description shown on its storefront (财富号)."""

from modeltranslation.translator import TranslationOptions, register

from institutions.models import Institution


@register(Institution)
class InstitutionTranslationOptions(TranslationOptions):
    fields = ("name", "description")
