"""An institution's logo (issue 15): uploaded from the portal by its admins and editors, judged
by its bytes and its header's pixel size, shown on the storefront and the portal header."""

import struct

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions import branding, demo
from institutions.models import Institution, InstitutionStatus, Role
from institutions.tenancy import HEADER
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def png(width=128, height=128) -> bytes:
    return branding.png_bytes(width, height, lambda x, y: (13, 37, 71))


def jpeg(width=200, height=120) -> bytes:
    """A baseline JPEG's header: SOI, a JFIF APP0 segment, then the frame (SOF0) with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def webp_lossy(width=300, height=200) -> bytes:
    frame = b"\x30\x01\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 8
    chunk = b"VP8 " + struct.pack("<I", len(frame)) + frame
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_lossless(width=64, height=64) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    body = b"\x2f" + struct.pack("<I", bits) + b"\x00" * 8
    chunk = b"VP8L" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_extended(width=1024, height=512) -> bytes:
    body = b"\x10\x00\x00\x00" + (width - 1).to_bytes(3, "little")
    body += (height - 1).to_bytes(3, "little")
    chunk = b"VP8X" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def editor(institution, member_of):
    return member_of(institution, Role.EDITOR)


@pytest.fixture
def stored_names(monkeypatch):
    """Every name the service picked for a file (none may exist after a refusal)."""
    names = []
    pick = branding.uploads.random_name

    def recording(**kwargs):
        names.append(pick(**kwargs))
        return names[-1]

    monkeypatch.setattr(branding.uploads, "random_name", recording)
    return names


# --- The rules, at the service -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "extension", "name"),
    [
        (png(), "png", "logo.png"),
        (png(64, 64), "png", "smallest.png"),
        (jpeg(), "jpg", "logo.jpeg"),
        (jpeg(1024, 1024), "jpg", "largest.jpg"),
        (webp_lossy(), "webp", "logo.webp"),
        (webp_lossless(), "webp", "lossless.webp"),
        (webp_extended(), "webp", "extended.webp"),
        (png(), "png", "named-wrongly.svg"),  # the bytes decide, not the name
    ],
)
def test_png_jpeg_and_webp_within_the_limits_are_accepted(
    institution, editor, data, extension, name
):
    branding.logo_set(institution=institution, actor=editor, file=upload(data, name))
    institution.refresh_from_db()
    assert institution.logo.name.startswith("logos/")
    assert institution.logo.name.endswith(f".{extension}")
    assert name.rsplit(".", 1)[0] not in institution.logo.name.rsplit("/", 1)[1]  # random name
    assert default_storage.open(institution.logo.name).read() == data


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (SVG, "logo.svg", "file_type"),
        (b"GIF89a" + b"\x00" * 40, "logo.gif", "file_type"),
        (b"%PDF-1.7 not an image", "logo.png", "file_type"),
        (SVG, "renamed.jpg", "file_type"),  # wrong magic under an image's name
        (b"", "empty.png", "file_empty"),
        (png()[:20], "truncated.png", "image_unreadable"),
        (jpeg()[:22], "truncated.jpg", "image_unreadable"),
        (b"\xff\xd8\xff\xda" + b"\x00" * 30, "scan-first.jpg", "image_unreadable"),
        (webp_lossy()[:24], "truncated.webp", "image_unreadable"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 30, "sound.webp", "image_unreadable"),
        (png(1025, 64), "wide.png", "image_too_large"),
        (jpeg(200, 2000), "tall.jpg", "image_too_large"),
        (webp_extended(2048, 2048), "huge.webp", "image_too_large"),
        (png(63, 200), "narrow.png", "image_too_small"),
        (webp_lossless(32, 32), "tiny.webp", "image_too_small"),
    ],
)
def test_anything_else_is_refused_and_nothing_is_saved(
    institution, editor, data, name, code, stored_names
):
    with pytest.raises(ValidationError) as caught:
        branding.logo_set(institution=institution, actor=editor, file=upload(data, name))
    assert [e.code for e in caught.value.error_dict["logo"]] == [code]
    institution.refresh_from_db()
    assert not institution.logo
    assert not any(default_storage.exists(name) for name in stored_names)


def test_more_than_256_kb_is_refused_before_it_is_read(institution, editor):
    data = png() + b"\x00" * (branding.MAX_LOGO_BYTES + 1 - len(png()))
    with pytest.raises(ValidationError) as caught:
        branding.logo_set(institution=institution, actor=editor, file=upload(data))
    assert caught.value.error_dict["logo"][0].code == "file_too_big"
    exactly = png() + b"\x00" * (branding.MAX_LOGO_BYTES - len(png()))
    branding.logo_set(institution=institution, actor=editor, file=upload(exactly))


def test_only_admins_and_editors_of_an_approved_institution_may_change_it(
    institution, member_of, django_capture_on_commit_callbacks
):
    analyst = member_of(institution, Role.ANALYST)
    outsider = member_of(InstitutionFactory(), Role.ADMIN)
    for actor in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            branding.logo_set(institution=institution, actor=actor, file=upload(png()))
    admin = member_of(institution, Role.ADMIN)
    branding.logo_set(institution=institution, actor=admin, file=upload(png()))
    with pytest.raises(PermissionDenied):
        branding.logo_remove(institution=institution, actor=analyst)
    Institution.objects.filter(pk=institution.pk).update(status=InstitutionStatus.SUSPENDED)
    institution.refresh_from_db()
    with pytest.raises(PermissionDenied):
        branding.logo_set(institution=institution, actor=admin, file=upload(png()))


def test_replacing_deletes_the_old_file_after_commit(
    institution, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        branding.logo_set(institution=institution, actor=editor, file=upload(png()))
    first = Institution.objects.get(pk=institution.pk).logo.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        branding.logo_set(institution=institution, actor=editor, file=upload(jpeg()))
    assert default_storage.exists(first)  # still there until the change commits
    for callback in callbacks:
        callback()
    assert not default_storage.exists(first)
    second = Institution.objects.get(pk=institution.pk).logo.name
    assert second.endswith(".jpg")
    assert default_storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        branding.logo_remove(institution=institution, actor=editor)
    assert not Institution.objects.get(pk=institution.pk).logo
    assert not default_storage.exists(second)


# --- The portal page ---------------------------------------------------------------------


def test_an_editor_uploads_replaces_and_removes_the_logo_in_the_portal(
    client, institution, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    page = client.get("/portal/logo/")
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/logo/", {"logo": upload(png())})
    assert response.status_code == 302
    first = Institution.objects.get(pk=institution.pk).logo.name
    assert first
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/logo/", {"logo": upload(webp_lossy(), "new.webp")})
    second = Institution.objects.get(pk=institution.pk).logo.name
    assert second.endswith(".webp")
    assert not default_storage.exists(first)
    assert b"Remove logo" in client.get("/portal/logo/").content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/logo/remove/", follow=True)
    assert b"Logo removed" in response.content
    assert not Institution.objects.get(pk=institution.pk).logo
    assert not default_storage.exists(second)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (SVG, "logo.svg", branding.LOGO_WRONG_TYPE),
        (png(2000, 2000), "big.png", branding.LOGO_TOO_LARGE.format(width=2000, height=2000)),
        (png()[:16], "cut.png", branding.LOGO_UNREADABLE),
    ],
)
def test_a_bad_file_is_a_form_error_and_nothing_changes(
    client, institution, editor, data, name, message
):
    client.force_login(editor)
    response = client.post("/portal/logo/", {"logo": upload(data, name)})
    assert response.status_code == 400
    assert str(message).encode() in response.content.replace(b"&#x27;", b"'")
    assert not Institution.objects.get(pk=institution.pk).logo


def test_posting_no_file_asks_for_one(client, institution, editor):
    client.force_login(editor)
    response = client.post("/portal/logo/", {})
    assert response.status_code == 400
    assert b"Choose an image file to upload" in response.content


def test_an_analyst_sees_the_logo_page_but_cannot_change_it(client, institution, member_of):
    client.force_login(member_of(institution, Role.ANALYST))
    page = client.get("/portal/logo/")
    assert page.status_code == 200
    assert b"Upload logo" not in page.content
    client.post("/portal/logo/", {"logo": upload(png())})
    assert not Institution.objects.get(pk=institution.pk).logo


def test_an_editor_of_another_institution_cannot_change_it(client, institution, member_of):
    other = InstitutionFactory()
    client.force_login(member_of(other, Role.EDITOR))
    response = client.post("/portal/logo/", {"logo": upload(png())}, **{HEADER: institution.slug})
    assert response.status_code == 404
    response = client.post("/portal/logo/remove/", **{HEADER: institution.slug})
    assert response.status_code == 404
    assert not Institution.objects.get(pk=institution.pk).logo
    # What they can change is their own institution's logo only.
    client.post("/portal/logo/", {"logo": upload(png())})
    assert Institution.objects.get(pk=other.pk).logo
    assert not Institution.objects.get(pk=institution.pk).logo


# --- Where it is shown -------------------------------------------------------------------


def test_the_storefront_shows_the_logo_and_the_lettermark_when_there_is_none(
    client, institution, editor, django_capture_on_commit_callbacks
):
    page = client.get(f"/institutions/{institution.slug}/").content.decode()
    assert 'class="avatar"' in page
    assert '<img class="inst-logo' not in page
    # The cached public page is refreshed once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        branding.logo_set(institution=institution, actor=editor, file=upload(png()))
    institution.refresh_from_db()
    page = client.get(f"/institutions/{institution.slug}/").content.decode()
    url = institution.logo.url
    assert url.startswith("/media/logos/")
    assert (
        f'<img class="inst-logo" src="{url}" width="56" height="56" alt="{institution.name}">'
        in page
    )
    assert 'class="avatar"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        branding.logo_remove(institution=institution, actor=editor)
    page = client.get(f"/institutions/{institution.slug}/").content.decode()
    assert 'class="avatar"' in page
    assert url not in page


def test_the_portal_header_and_dashboard_show_the_logo(client, institution, editor):
    client.force_login(editor)
    assert b"Upload a logo" in client.get("/portal/").content
    branding.logo_set(institution=institution, actor=editor, file=upload(png()))
    institution.refresh_from_db()
    page = client.get("/portal/").content.decode()
    assert f'src="{institution.logo.url}" width="40" height="40"' in page
    assert "Change logo" in page


def test_the_logo_url_serves_the_image_and_nothing_else(client, institution, editor):
    branding.logo_set(institution=institution, actor=editor, file=upload(png()))
    institution.refresh_from_db()
    response = client.get(institution.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png()
    # Other uploads under MEDIA (product documents) are not served by it.
    default_storage.save("logos/2026/01/stray.png", upload(png()))
    assert client.get("/media/logos/2026/01/stray.png").status_code == 404
    default_storage.save("documents/2026/01/secret.pdf", upload(b"%PDF-1.7"))
    assert client.get("/media/documents/2026/01/secret.pdf").status_code == 404
    assert client.get("/media/logos/../documents/2026/01/secret.pdf").status_code == 404


def test_the_storefront_logo_adds_no_query(
    client, institution, editor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = f"/institutions/{institution.slug}/"
    client.get(url)  # warm what every page loads once
    cache.clear()
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        branding.logo_set(institution=institution, actor=editor, file=upload(png()))
    cache.clear()
    with django_assert_num_queries(len(without)):
        assert b"inst-logo" in client.get(url).content


def test_the_institution_list_shows_logos_beside_the_names(
    client, institution, editor, django_capture_on_commit_callbacks
):
    other = InstitutionFactory(name="Plain Bank")
    with django_capture_on_commit_callbacks(execute=True):
        branding.logo_set(institution=institution, actor=editor, file=upload(png()))
    institution.refresh_from_db()
    page = client.get("/institutions/").content.decode()
    # The name is written beside it inside the same link: the image is decorative there.
    assert f'src="{institution.logo.url}" width="40" height="40" alt="">' in page
    assert f'aria-hidden="true">{other.name[0]}</span>' in page


def test_demo_institutions_get_a_generated_png_logo_once(institution, member_of):
    Institution.objects.filter(pk=institution.pk).update(slug="southern-cross-funds")
    member_of(institution, Role.ADMIN)
    demo.seed_logos(log=lambda message: None)
    institution.refresh_from_db()
    name = institution.logo.name
    assert name.endswith(".png")
    with default_storage.open(name) as stored:
        assert branding.logo_check(stored) == branding.uploads.PNG
    demo.seed_logos(log=lambda message: None)
    institution.refresh_from_db()
    assert institution.logo.name == name
