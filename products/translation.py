"""Which product fields carry both languages (django-modeltranslation): ``name_zh_hans`` and
``name_en`` columns; ``product.name`` reads the active language's, falling back to the other."""

from modeltranslation.translator import TranslationOptions, register

from products.models import Product


@register(Product)
class ProductTranslationOptions(TranslationOptions):
    fields = ("name", "summary")
