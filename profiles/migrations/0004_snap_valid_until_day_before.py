"""An assessment is valid up to the day before its 24-month anniversary: assessments (and the
profiles' copies of their dates) stored with the anniversary itself end a day earlier."""

import datetime as dt

from django.db import migrations
from django.db.models import F

ONE_DAY = dt.timedelta(days=1)


def day_before(apps, schema_editor):
    RiskAssessment = apps.get_model("profiles", "RiskAssessment")
    InvestorProfile = apps.get_model("profiles", "InvestorProfile")
    RiskAssessment.objects.update(valid_until=F("valid_until") - ONE_DAY)
    InvestorProfile.objects.filter(assessment_valid_until__isnull=False).update(
        assessment_valid_until=F("assessment_valid_until") - ONE_DAY
    )


def anniversary(apps, schema_editor):
    RiskAssessment = apps.get_model("profiles", "RiskAssessment")
    InvestorProfile = apps.get_model("profiles", "InvestorProfile")
    RiskAssessment.objects.update(valid_until=F("valid_until") + ONE_DAY)
    InvestorProfile.objects.filter(assessment_valid_until__isnull=False).update(
        assessment_valid_until=F("assessment_valid_until") + ONE_DAY
    )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_questionnaire_v1")]

    operations = [migrations.RunPython(day_before, anniversary)]
