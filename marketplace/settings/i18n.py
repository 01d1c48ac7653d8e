"""Languages, translations, date formats and the business time zone."""

from .environment import BASE_DIR

# --- I18N / time --------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats per language (marketplace/formats/<lang>/formats.py): DATE_FORMAT is
# "2 December 2026" in English and "2026年12月2日" in Chinese; tables keep ISO "Y-m-d".
FORMAT_MODULE_PATH = ["marketplace.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # a year: the choice outlives the session
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Names and summaries of products and institutions carry both languages (name_zh_hans, name_en;
# products/translation.py); `product.name` is the active language's, else the other one's.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans"), "en": ("zh-hans",)}
TIME_ZONE = "Asia/Shanghai"  # business time zone; the database stores UTC
USE_I18N = True
USE_TZ = True
