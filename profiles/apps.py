from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Investors and accounts"

    def ready(self):
        from profiles.security import signals  # noqa: F401  (connects the sign-in receiver)

        from .identity import checks  # noqa: F401  (registers the identity provider's checks)
