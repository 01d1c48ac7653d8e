from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Investors and accounts"

    def ready(self):
        from .identity import checks  # noqa: F401  (registers the identity provider's checks)
