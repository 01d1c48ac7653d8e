"""The investor's own pages (/me/…): profile and consents, risk questionnaire, data export,
account deletion. The /me/ home with recommendations lives in products (it lists products)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marketplace.permissions import form_errors_from

from . import selectors, services
from .forms import ConsentForm, DeleteAccountForm, ProfileForm, QuestionnaireForm
from .identity.ages import ELDERLY_CAPPED, ELDERLY_CONFIRMATION
from .identity.selectors import is_elderly
from .models import ConsentKind, RiskAssessment
from .scoring import LEVEL_MEANING, SUITS


class ProfileView(LoginRequiredMixin, View):
    template = "profiles/profile.html"

    def context(self, request, form):
        profile = services.profile_for(user=request.user)
        return {
            "form": form,
            "profile": profile,
            "consents": [
                (kind, label, getattr(profile, kind)) for kind, label in ConsentKind.choices
            ],
            "consent_history": selectors.consent_history(user=request.user)[:20],
            "delete_form": DeleteAccountForm(),
        }

    def get(self, request):
        profile = services.profile_for(user=request.user)
        initial = {
            f: getattr(profile, f)
            for f in (
                "full_name",
                "birth_year",
                "city",
                "income_band",
                "investment_goal",
                "experience",
            )
        }
        return render(request, self.template, self.context(request, ProfileForm(initial=initial)))

    def post(self, request):
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("profiles:profile")
        return render(request, self.template, self.context(request, form), status=400)


class ConsentView(LoginRequiredMixin, View):
    def post(self, request):
        form = ConsentForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("That consent could not be changed."))
            return redirect("profiles:profile")
        services.consent_set(user=request.user, **form.cleaned_data)
        label = ConsentKind(form.cleaned_data["kind"]).label
        if form.cleaned_data["granted"]:
            text = _("“%(consent)s” is now on.")
        else:
            text = _("“%(consent)s” is now off.")
        messages.success(request, text % {"consent": label})
        return redirect(reverse("profiles:profile") + "#consents")


class RiskQuestionnaireView(LoginRequiredMixin, View):
    template = "profiles/risk.html"

    def context(self, request, form):
        profile = services.profile_for(user=request.user)
        return {
            "form": form,
            "questionnaire": form.questionnaire if form else None,
            "profile": profile,
            "valid": selectors.assessment_is_valid(profile),
            "expires_soon": selectors.assessment_expires_soon(profile),
            "history": selectors.assessment_history(user=request.user)[:10],
            "elderly": is_elderly(user=request.user),
            "elderly_confirmation": ELDERLY_CONFIRMATION,
            "elderly_confirmed": request.POST.get("elderly_confirmed") == "on",
        }

    def get(self, request):
        questionnaire = selectors.active_questionnaire()
        form = QuestionnaireForm(questionnaire=questionnaire) if questionnaire else None
        return render(request, self.template, self.context(request, form))

    def post(self, request):
        questionnaire = selectors.active_questionnaire()
        if questionnaire is None:
            return render(request, self.template, self.context(request, None), status=400)
        form = QuestionnaireForm(request.POST, questionnaire=questionnaire)
        if form.is_valid():
            try:
                assessment = services.assessment_submit(
                    user=request.user,
                    answers=form.answers(),
                    version=questionnaire.version,
                    elderly_confirmed=request.POST.get("elderly_confirmed") == "on",
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("profiles:risk-result", pk=assessment.pk)
        return render(request, self.template, self.context(request, form), status=400)


class RiskResultView(LoginRequiredMixin, View):
    def get(self, request, pk):
        assessment = RiskAssessment.objects.filter(user=request.user, pk=pk).first()
        if assessment is None:  # another investor's, or none: the same 404 (DESIGN §2)
            raise Http404
        return render(
            request,
            "profiles/risk_result.html",
            {
                "assessment": assessment,
                "meaning": LEVEL_MEANING[assessment.risk_level],
                "suits": SUITS[assessment.risk_level],
                "is_current": assessment == selectors.assessment_history(user=request.user).first(),
                "capped_note": ELDERLY_CAPPED % {"scored": assessment.scored_level}
                if assessment.scored_level
                else "",
            },
        )


class ExportView(LoginRequiredMixin, View):
    def get(self, request):
        data = selectors.personal_data_export(user=request.user)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="fortune-market-data-{stamp}.json"'
        return response


class DeleteAccountView(LoginRequiredMixin, View):
    def post(self, request):
        form = DeleteAccountForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Type DELETE in capitals to confirm the deletion."))
            return redirect("profiles:profile")
        user = request.user
        logout(request)
        services.account_anonymise(user=user)
        messages.success(
            request,
            _(
                "Your account is deleted: your personal data is removed. Records the law requires "
                "us to keep stay, linked to an anonymous account."
            ),
        )
        return redirect("home")
