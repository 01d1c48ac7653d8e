"""The investor's own pages, messages and e-mails in Simplified Chinese (issue 14).

These need the compiled catalogue (locale/zh_Hans, built from i18n/*.po). English stays as it
was: the other tests of tests/profiles assert it."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from profiles import services
from profiles.identity import providers
from profiles.identity import services as identity_services
from profiles.models import DocumentType, IdentityStatus, Questionnaire
from profiles.questionnaires.texts import TEXTS, question_text
from profiles.security import services as security_services
from profiles.suitability import Reason, suitability_check
from profiles.templatetags.investor import level_name
from tests.factories import PASSWORD, IdentityFactory, UserFactory, resident_id

from .factories import InvestorProfileFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
V1 = Path(__file__).resolve().parents[2] / "profiles" / "questionnaires" / "v1.json"


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Chinese leaves Chinese active in the thread (LocaleMiddleware activates,
    nothing deactivates): put English back so later tests see the default."""
    yield
    translation.activate("en")


def v1_texts() -> list[str]:
    data = json.loads(V1.read_text())
    texts = [data["title"]]
    for question in data["questions"]:
        texts += [question["text"], question.get("help_text", "")]
        texts += [option["text"] for option in question["options"]]
    return [t for t in texts if t]


def zh_page(client, url: str) -> str:
    response = client.get(url, **ZH)
    assert response.status_code == 200
    return response.content.decode()


def test_every_questionnaire_text_is_translatable():
    """A text missing from profiles/questionnaires/texts.py would show in English."""
    assert set(v1_texts()) <= set(TEXTS)


def test_the_questionnaire_texts_are_chinese_and_the_english_stays():
    with translation.override("zh-hans"):
        assert question_text("Investor risk questionnaire") == "投资者风险测评问卷"
        assert question_text("I cannot accept any loss") == "不能接受任何亏损"
        assert question_text("A text of a newer version") == "A text of a newer version"
    with translation.override("en"):
        assert question_text("I cannot accept any loss") == "I cannot accept any loss"


def test_the_questionnaire_page_in_chinese(client, user):
    client.force_login(user)
    html = zh_page(client, "/me/risk/")
    questionnaire = Questionnaire.objects.get(is_active=True)
    first = questionnaire.questions.first()
    assert first.text not in html  # stored in English, shown in Chinese
    assert "您打算投资的这笔钱，主要目的是什么？" in html
    assert "保本为主：随时可能要用" in html
    assert "第1题，共10题" in html
    assert "查看我的风险等级" in html
    assert "投资者风险测评问卷" in html


def test_the_questionnaire_api_follows_accept_language(client, user):
    client.force_login(user)
    data = client.get("/api/v1/me/questionnaire/", **ZH).json()
    assert data["title"] == "投资者风险测评问卷"
    assert data["questions"][0]["text"] == "您打算投资的这笔钱，主要目的是什么？"
    english = client.get("/api/v1/me/questionnaire/").json()
    assert (
        english["questions"][0]["text"]
        == Questionnaire.objects.get(is_active=True).questions.first().text
    )


def test_an_answered_questionnaire_gives_a_chinese_result_with_a_chinese_date(client, user):
    questionnaire = Questionnaire.objects.get(is_active=True)
    answers = {
        str(q.pk): q.options.order_by("position")[1].pk for q in questionnaire.questions.all()
    }
    client.force_login(user)
    response = client.post("/me/risk/", {f"q{k}": v for k, v in answers.items()}, **ZH)
    assert response.status_code == 302
    html = zh_page(client, response["Location"])
    assessment = user.risk_assessments.get()
    name = {1: "保守型", 2: "稳健型", 3: "平衡型", 4: "成长型", 5: "进取型"}[assessment.risk_level]
    assert f"您是{name}投资者" in html
    until = assessment.valid_until
    assert f"{until.year}年{until.month}月{until.day}日" in html
    assert "Valid until" not in html


def test_level_names_follow_the_glossary():
    with translation.override("zh-hans"):
        assert [level_name(n) for n in range(1, 6)] == [
            "保守型",
            "稳健型",
            "平衡型",
            "成长型",
            "进取型",
        ]
    with translation.override("en"):
        assert level_name(3) == "Balanced"


def test_the_home_and_profile_pages_in_chinese(client, user):
    InvestorProfileFactory(user=user, assessment_valid_until=dt.date(2030, 1, 1))
    client.force_login(user)
    home = zh_page(client, "/me/")
    assert "我的资产" in home
    assert "风险测评" in home
    assert "有效期至2030年1月1日。" in home
    assert "¥" in home
    profile = zh_page(client, "/me/profile/")
    assert "个人资料与数据共享" in profile
    assert "向机构共享我的资料" in profile
    assert "出生年份" in profile


def test_the_identity_page_names_the_documents_in_chinese(client):
    client.force_login(UserFactory(identity=False))
    html = zh_page(client, "/me/identity/")
    for name in ("居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证"):
        assert name in html
    assert "实名认证" in html


def test_a_provider_refusal_is_stored_in_english_and_shown_in_the_readers_language(client):
    user = UserFactory(identity=False)
    with translation.override("zh-hans"):
        identity = identity_services.identity_submit(
            user=user,
            legal_name="王小明",
            document_type=DocumentType.RESIDENT_ID,
            document_number=resident_id(dt.date(1990, 3, 7), 999),
        )
    identity.refresh_from_db()
    assert identity.status == IdentityStatus.REJECTED
    assert identity.failure_reason == "The legal name and the document number do not match."
    client.force_login(user)
    assert "姓名与证件号码不匹配。" in zh_page(client, "/me/identity/")
    assert identity.failure_reason in client.get("/me/identity/").content.decode()


def test_the_security_page_in_chinese(client, user):
    client.force_login(user)
    html = zh_page(client, "/me/security/")
    assert "交易密码" in html
    assert "退出所有设备" in html


def test_the_elderly_warning_and_cap_are_chinese(client):
    born = timezone.localdate().replace(year=timezone.localdate().year - 70, day=1)
    user = UserFactory()
    IdentityFactory(user=user, document_number=resident_id(born, 31), date_of_birth=born)
    questionnaire = Questionnaire.objects.get(is_active=True)
    answers = {
        str(q.pk): q.options.order_by("-position").first().pk for q in questionnaire.questions.all()
    }
    assessment = services.assessment_submit(user=user, answers=answers)
    client.force_login(user)
    html = zh_page(client, f"/me/risk/{assessment.pk}/")
    assert "致65周岁及以上的投资者" in html
    assert "您的风险等级上限为C3（您的答题结果为C5）" in html


def test_service_messages_are_translated_with_their_values():
    user = UserFactory()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        services.profile_update(user=user, birth_year=1800)
    assert "出生年份" in err.value.message_dict["birth_year"][0]
    assert str(timezone.localdate().year - 18) in err.value.message_dict["birth_year"][0]
    with translation.override("zh-hans"):
        assert services.missing_answers(3) == "请回答所有题目：还有3题未答。"


def test_suitability_reasons_carry_a_code_and_speak_the_active_language():
    with translation.override("zh-hans"):
        refused = suitability_check(investor_level=1, assessment_valid=True, product_risk=3)
        mismatch = suitability_check(investor_level=2, assessment_valid=True, product_risk=4)
        expired = suitability_check(investor_level=3, assessment_valid=False, product_risk=1)
    assert refused.code == Reason.C1_ABOVE_R1
    assert "R3" in refused.reason
    assert "只能购买R1产品" in refused.reason
    assert mismatch.code == Reason.MISMATCH
    assert "风险不匹配" in mismatch.warning_text
    assert "R4" in mismatch.warning_text
    assert expired.needs_assessment
    assert expired.code == Reason.EXPIRED


@pytest.mark.parametrize(
    ("language", "subject", "hello"),
    [
        ("zh-hans", "重置您的财富市场交易密码", "您好："),
        ("en", "Reset your Fortune Market trade PIN", "Hello,"),
    ],
)
def test_the_reset_email_is_in_the_recipients_language(
    language, subject, hello, django_capture_on_commit_callbacks
):
    user = UserFactory(trade_pin=True, language=language)
    with translation.override("en" if language == "zh-hans" else "zh-hans"):
        with django_capture_on_commit_callbacks(execute=True):
            security_services.trade_pin_reset_request(user=user, password=PASSWORD)
    message = mail.outbox[-1]
    assert message.subject == subject
    assert message.body.startswith(hello)
    assert re.search(r"/me/security/pin/reset/\S+/", message.body)


def test_the_new_sign_in_email_names_the_device_in_chinese():
    from profiles.security import notices

    user = UserFactory(language="zh-hans")
    agent = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
    notices.new_device_send(
        user_id=user.pk, when=timezone.now().isoformat(), user_agent=agent, ip=""
    )
    message = mail.outbox[-1]
    assert message.subject == "您的账户有新的登录"
    assert "Windows 上的 Chrome" in message.body
    assert "IP：" in message.body
    assert "未知" in message.body
    assert providers.english(providers.NAME_MISMATCH).startswith("The legal name")


def test_a_locked_pin_is_one_chinese_sentence_on_the_security_page(client):
    user = UserFactory(trade_pin=True)
    for _ in range(5):
        with pytest.raises(ValidationError):
            security_services.trade_confirm(user=user, pin="975318")
    client.force_login(user)
    html = zh_page(client, "/me/security/")
    assert "<strong>交易密码已连续输错五次，已锁定至<time" in html
    assert "</strong>在此之前无法买入、卖出或提现" in html
