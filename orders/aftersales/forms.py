"""Forms check shape only; the services decide (and their errors land on the form)."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.forms import WholeNumberField
from marketplace.validators import plain_text

from .models import BODY_MAX, ID_MAX, SUBJECT_MAX, RequestKind
from .services import MAX_ATTACHMENT_MB

# Lazy: the help text is built in the language of the request that shows it.
ATTACHMENT_HELP = lazy(
    lambda: (
        gettext("Optional: a PDF, PNG or JPEG of at most %(mb)d MB.") % {"mb": MAX_ATTACHMENT_MB}
    ),
    str,
)()


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX,
        validators=[plain_text],
    )
    attachment = forms.FileField(label=_("Attachment"), required=False, help_text=ATTACHMENT_HELP)


class RequestForm(MessageForm):
    kind = forms.ChoiceField(
        label=_("This is a"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, validators=[plain_text])
    order = WholeNumberField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )
    holding = WholeNumberField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )
    product = forms.SlugField(required=False, widget=forms.HiddenInput)

    field_order = ["kind", "subject", "body", "attachment"]


class StaffNoteForm(MessageForm):
    pass
