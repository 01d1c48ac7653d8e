from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = "Institutions"

    def ready(self):
        from . import membership_flags

        membership_flags.connect()
