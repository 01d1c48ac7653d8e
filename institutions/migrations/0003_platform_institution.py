"""The platform's own institution exists from the start (DESIGN §4 Neutrality)."""

from django.db import migrations

PLATFORM = {
    "slug": "fortune-market",
    "name": "Fortune Market Asset Management",
    "type": "platform",
    "status": "approved",
    "licence_number": "FM-PLATFORM-0001",
    "registered_address": "1 Platform Road, Hangzhou",
    "website": "https://fortune.example",
    "contact_name": "Platform operations",
    "contact_email": "operations@fortune.example",
    "requested_kinds": ["fund", "insurance", "savings"],
    "description": "Products operated by the platform itself, listed like any other institution's.",
}


def create_platform(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    Institution.objects.get_or_create(type="platform", defaults=PLATFORM)


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_initial")]

    operations = [migrations.RunPython(create_platform, migrations.RunPython.noop)]
