"""Load the first questionnaire version from profiles/questionnaires/v1.json.

Versions are immutable: a new questionnaire is a new JSON file and a new migration; past
assessments keep pointing at the version they answered.
"""

import json
from pathlib import Path

from django.db import migrations

SOURCE = Path(__file__).resolve().parent.parent / "questionnaires" / "v1.json"


def load(apps, schema_editor):
    Questionnaire = apps.get_model("profiles", "Questionnaire")
    Question = apps.get_model("profiles", "Question")
    Option = apps.get_model("profiles", "Option")
    data = json.loads(SOURCE.read_text())
    if Questionnaire.objects.filter(version=data["version"]).exists():
        return
    Questionnaire.objects.filter(is_active=True).update(is_active=False)
    questionnaire = Questionnaire.objects.create(
        version=data["version"], title=data["title"], is_active=True
    )
    for position, item in enumerate(data["questions"], start=1):
        question = Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            dimension=item["dimension"],
            text=item["text"],
            help_text=item.get("help_text", ""),
        )
        for option_position, option in enumerate(item["options"], start=1):
            Option.objects.create(
                question=question,
                position=option_position,
                text=option["text"],
                score=option["score"],
                knockout=option.get("knockout", False),
            )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_investor_profiles_and_risk")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
