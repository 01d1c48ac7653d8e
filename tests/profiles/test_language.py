"""Choosing the language (issue 14): the header's switch sets the cookie and, for a signed-in
user, their account; the saved choice follows them to a new device; a first visit follows the
browser's Accept-Language; anything else is English."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_switch_sets_the_cookie_and_goes_back_to_the_page(client):
    response = client.post("/language/", {"language": "zh-hans", "next": "/products/"})
    assert response.status_code == 302
    assert response["Location"] == "/products/"
    assert response.cookies[COOKIE].value == "zh-hans"
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    assert client.get("/products/")["Content-Language"] == "zh-hans"


def test_a_signed_in_user_s_choice_is_saved_on_the_account(client):
    user = factories.UserFactory()
    client.force_login(user)
    client.post("/language/", {"language": "zh-hans", "next": "/me/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_the_saved_language_follows_the_user_to_a_new_device():
    user = factories.UserFactory(language="zh-hans")
    device = Client(HTTP_ACCEPT_LANGUAGE="en")  # a browser set to English, no cookie yet
    device.force_login(user)
    response = device.get("/products/")
    assert response["Content-Language"] == "zh-hans"
    assert response.cookies[COOKIE].value == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_first_visit_follows_accept_language_and_falls_back_to_english(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Content-Language"] == "zh-hans"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")["Content-Language"] == "en"
    assert client.get("/")["Content-Language"] == "en"


def test_an_unknown_language_changes_nothing(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post("/language/", {"language": "xx", "next": "/me/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == ""


def test_the_switch_only_accepts_a_post(client):
    assert client.get("/language/?language=zh-hans").status_code == 405


def test_the_header_offers_both_languages_with_the_current_one_pressed(client):
    page = client.get("/products/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="language" value="zh-hans"' in page
    assert 'value="zh-hans" lang="zh-hans" class="lang-switch__option" aria-pressed="true"' in page
    assert 'value="en" lang="en" class="lang-switch__option" aria-pressed="false"' in page
