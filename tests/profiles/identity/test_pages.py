"""The investor's identity page (/me/identity/): the form, the outcome of each sandbox number,
a 400 on the field at fault with nothing saved, the last four characters only, one person one
account."""

import datetime as dt

import pytest

from profiles.identity import documents, providers, services
from profiles.models import DocumentType, Identity, IdentityEvent, IdentityStatus
from tests.factories import UserFactory

from .conftest import rid

pytestmark = pytest.mark.django_db
URL = "/me/identity/"
RID = DocumentType.RESIDENT_ID
# A number the sandbox verifies that is none of the page's own test numbers.
NUMBER = rid(dt.date(1988, 6, 15), 321)


def form(**fields):
    data = {
        "legal_name": "王小明",
        "document_type": RID,
        "document_number": NUMBER,
        "date_of_birth": "",
        "nationality": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def signed_in(client, newcomer):
    client.force_login(newcomer)
    return client


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_an_identity_sees_the_form(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="identity-form"' in html
    assert 'name="document_number"' in html
    assert "data-identity-status" not in html
    assert "data-sandbox-numbers" in html  # test mode lists the sandbox's numbers


def test_a_valid_resident_id_is_verified_and_only_its_last_four_are_shown(signed_in, newcomer):
    response = signed_in.post(URL, form(document_number=NUMBER.lower()))
    assert response.status_code == 302
    assert response["Location"] == URL
    identity = Identity.objects.get(user=newcomer)
    assert identity.status == IdentityStatus.VERIFIED
    assert identity.date_of_birth == dt.date(1988, 6, 15)
    page = signed_in.get(URL)
    html = page.content.decode()
    assert 'data-identity-status="verified"' in html
    assert f"•••• {NUMBER[-4:]}" in html
    assert NUMBER not in html
    assert NUMBER.lower() not in html
    assert NUMBER[:14] not in html  # not even the number without its last four
    assert 'id="identity-form"' not in html  # a verified identity is final
    assert "Your identity is verified" in html
    export = signed_in.get("/me/profile/export/").content.decode()
    assert NUMBER[-4:] in export
    assert NUMBER not in export
    assert NUMBER[:14] not in export


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({"legal_name": "   "}, "legal_name"),
        ({"legal_name": "Mary 2nd"}, "legal_name"),
        ({"legal_name": "<b>Mary</b>"}, "legal_name"),
        ({"document_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")}, "document_number"),
        ({"document_number": ""}, "document_number"),
        ({"document_number": "110101199013450011"}, "document_number"),  # 13th month
        ({"date_of_birth": "1988-02-30"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"date_of_birth": "1990-01-01"}, "date_of_birth"),  # not the number's
        ({"document_number": rid(dt.date(1988, 6, 15), 321)[:-4] + "0000"}, "document_number"),
        ({"document_type": "driving_licence"}, "document_type"),
        (
            {
                "document_type": DocumentType.PASSPORT,
                "document_number": "E1234-5678<",
                "date_of_birth": "1980-01-01",
                "nationality": "GB",
            },
            "document_number",
        ),
        (
            {
                "document_type": DocumentType.PASSPORT,
                "document_number": "E12",
                "date_of_birth": "1980-01-01",
                "nationality": "GB",
            },
            "document_number",
        ),
        (
            {
                "document_type": DocumentType.PASSPORT,
                "document_number": "E12345678",
                "date_of_birth": "1980-01-01",
                "nationality": "XX",
            },
            "nationality",
        ),
        (
            {"document_type": DocumentType.HK_MACAU_PERMIT, "document_number": "X12345678"},
            "document_number",
        ),
    ],
)
def test_each_bad_field_is_a_400_on_that_field_and_saves_nothing(
    signed_in, newcomer, fields, field
):
    response = signed_in.post(URL, form(**fields))
    assert response.status_code == 400
    assert errors_of(response, field), response.context["form"].errors
    assert set(response.context["form"].errors) == {field}
    assert not Identity.objects.filter(user=newcomer).exists()
    assert not IdentityEvent.objects.exists()


def test_an_unknown_region_is_a_400_on_the_number(signed_in, newcomer):
    body = "999999" + "19880615" + "321"  # 999999 is no region of the mainland
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    response = signed_in.post(URL, form(document_number=number))
    assert response.status_code == 400
    assert errors_of(response, "document_number") == [str(documents.RIC_REGION)]
    assert not Identity.objects.filter(user=newcomer).exists()


def test_a_wrong_check_character_says_so(signed_in, newcomer):
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    response = signed_in.post(URL, form(document_number=wrong))
    assert errors_of(response, "document_number") == [str(documents.RIC_CHECK)]
    assert not Identity.objects.exists()


def test_a_minor_is_refused_on_the_number_the_date_came_from(signed_in, newcomer):
    today = dt.date.today()  # noqa: DTZ011
    born = dt.date(today.year - 17, 1, 1)
    response = signed_in.post(URL, form(document_number=rid(born, 321)))
    assert response.status_code == 400
    [message] = errors_of(response, "document_number")
    assert "18 or over" in message
    assert not Identity.objects.filter(user=newcomer).exists()
    assert not IdentityEvent.objects.exists()


def test_the_review_number_says_in_review_and_offers_no_form(signed_in, newcomer):
    response = signed_in.post(URL, form(document_number=rid(dt.date(1988, 6, 15), 998)))
    assert response.status_code == 302
    assert Identity.objects.get(user=newcomer).status == IdentityStatus.REVIEW
    html = signed_in.get(URL).content.decode()
    assert 'data-identity-status="review"' in html
    assert "Your document is being reviewed" in html
    assert 'id="identity-form"' not in html
    # and a second submission while in review is refused
    again = signed_in.post(URL, form())
    assert again.status_code == 400
    assert str(services.IN_PROGRESS) in again.content.decode()
    assert Identity.objects.get(user=newcomer).status == IdentityStatus.REVIEW


def test_the_fail_number_shows_the_reason_and_the_investor_may_resubmit(signed_in, newcomer):
    failing = rid(dt.date(1988, 6, 15), 999)
    response = signed_in.post(URL, form(document_number=failing))
    assert response.status_code == 302
    html = signed_in.get(URL).content.decode()
    assert 'data-identity-status="failed"' in html
    assert "data-failure-reason" in html
    assert str(providers.NAME_MISMATCH) in html
    assert failing not in html
    assert 'id="identity-form"' in html  # submit again
    resubmitted = signed_in.post(URL, form())
    assert resubmitted.status_code == 302
    identity = Identity.objects.get(user=newcomer)
    assert identity.status == IdentityStatus.VERIFIED
    assert identity.failure_reason == ""
    html = signed_in.get(URL).content.decode()
    assert "data-failure-reason" not in html


def test_a_number_verified_for_another_account_is_refused(client, newcomer):
    services.identity_submit(
        user=UserFactory(identity=False),
        legal_name="王小明",
        document_type=RID,
        document_number=NUMBER,
    )
    client.force_login(newcomer)
    response = client.post(URL, form(document_number=NUMBER.lower()))
    assert response.status_code == 400
    assert errors_of(response, "document_number") == [str(services.TAKEN)]
    assert not Identity.objects.filter(user=newcomer).exists()
    assert Identity.objects.count() == 1


def test_a_refused_form_never_writes_the_number_back_and_marks_it_sensitive(signed_in):
    response = signed_in.post(URL, form(legal_name=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="document_number"' in html
    assert NUMBER not in html
    assert response.wsgi_request.sensitive_post_parameters == ("document_number",)


def test_without_a_provider_the_page_says_so_and_saves_nothing(signed_in, newcomer, settings):
    settings.IDENTITY_PROVIDER = ""
    page = signed_in.get(URL).content.decode()
    assert "data-identity-unavailable" in page
    assert "data-sandbox-numbers" not in page
    response = signed_in.post(URL, form())
    assert response.status_code == 400
    assert str(providers.NO_PROVIDER) in response.content.decode()
    assert not Identity.objects.filter(user=newcomer).exists()
