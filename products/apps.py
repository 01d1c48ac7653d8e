from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = "Products and catalogue"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .ranking import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="products_sha256")
