"""An institution's storefront (/institutions/<slug>/) and the curated lists it publishes there,
managed from the portal (issue 15). Lists are labelled as the institution's selection and never
change the catalogue's ranking."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from institutions.models import Role
from products import services
from products.models import CuratedList, CuratedListItem, ProductStatus
from tests.factories import ArticleFactory, InstitutionFactory, MembershipFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jade():
    return InstitutionFactory(slug="jade", name="Jade Fund Management", licence_number="JADE-0042")


@pytest.fixture
def editor(jade):
    return MembershipFactory(institution=jade, role=Role.EDITOR).user


@pytest.fixture
def funds(jade):
    return [
        ProductFactory(institution=jade, name=f"Jade Fund {i}", slug=f"jade-{i}", risk_level=2)
        for i in range(4)
    ]


def _slugs(client, url="/api/v1/products/?page_size=100"):
    return [p["slug"] for p in client.get(url).json()["results"]]


def test_storefront_shows_licence_lettermark_about_products_and_articles(client, jade, funds):
    ArticleFactory(institution=jade, title="Our view on bonds", status="published")
    html = client.get("/institutions/jade/").content.decode()
    assert "JADE-0042" in html
    assert 'class="avatar' in html  # the lettermark (the model has no logo)
    assert jade.description in html
    assert all(f"/products/{p.slug}/" in html for p in funds)
    assert "Our view on bonds" in html


def test_published_list_is_shown_in_its_order_and_labelled(client, jade, editor, funds):
    curated = services.curated_list_save(
        institution=jade,
        actor=editor,
        title="For your first fund",
        blurb="Low minimums and low risk.",
        products=[funds[3], funds[1]],
    )
    html = client.get("/institutions/jade/").content.decode()
    assert "For your first fund" not in html  # not published yet
    services.curated_list_publish(curated_list=curated, actor=editor, published=True)
    cache.clear()  # the bump of the page cache's version runs on commit
    html = client.get("/institutions/jade/").content.decode()
    assert "Selected by Jade Fund Management" in html
    assert "Low minimums and low risk." in html
    start = html.index("For your first fund")
    section = html[start : html.index("</section>", start)]
    assert section.index("/products/jade-3/") < section.index("/products/jade-1/")
    assert "/products/jade-0/" not in section
    # A product withdrawn from sale drops out of the public list.
    funds[3].status = ProductStatus.CLOSED
    funds[3].save()
    cache.clear()
    html = client.get("/institutions/jade/").content.decode()
    start = html.index("For your first fund")
    assert "/products/jade-3/" not in html[start : html.index("</section>", start)]


def test_curated_lists_never_change_the_catalogue_order(client, jade, editor, funds):
    others = [ProductFactory(risk_level=2, min_purchase=Decimal("10")) for _ in range(5)]
    assert others
    orderings = ("default", "return_1y", "fees", "newest")
    before = {o: _slugs(client, f"/api/v1/products/?ordering={o}") for o in orderings}
    before_api = _slugs(client)
    before_html = client.get("/products/").content.decode()
    before_page = [s for s in before_api if f"/products/{s}/" in before_html]
    for position, chosen in enumerate([[funds[3], funds[0]], [funds[2]]]):
        curated = services.curated_list_save(
            institution=jade, actor=editor, title=f"List {position}", blurb="", products=chosen
        )
        services.curated_list_publish(curated_list=curated, actor=editor, published=True)
    cache.clear()
    assert _slugs(client) == before_api
    for ordering in orderings:
        assert _slugs(client, f"/api/v1/products/?ordering={ordering}") == before[ordering]
    html = client.get("/products/").content.decode()
    positions = [html.index(f"/products/{s}/") for s in before_page]
    assert positions == sorted(positions)
    # The storefront's own "Products" section keeps the default order too.
    store = client.get("/institutions/jade/").content.decode()
    products_part = store[store.index('id="inst-products-title"') :]
    expected = [s for s in before_api if s.startswith("jade-")]
    found = [products_part.index(f"/products/{s}/") for s in expected]
    assert found == sorted(found)


def test_storefront_query_count_is_bounded(client, jade, editor, django_assert_max_num_queries):
    def make_lists(n):
        for i in range(n):
            chosen = [
                ProductFactory(institution=jade, name=f"Pick {n}-{i}-{j}", slug=f"p-{n}-{i}-{j}")
                for j in range(3)
            ]
            curated = services.curated_list_save(
                institution=jade, actor=editor, title=f"L{n}{i}", blurb="", products=chosen
            )
            services.curated_list_publish(curated_list=curated, actor=editor, published=True)

    make_lists(1)
    cache.clear()
    with django_assert_max_num_queries(12) as one:
        client.get("/institutions/jade/")
    make_lists(4)
    cache.clear()
    with django_assert_max_num_queries(12) as five:
        client.get("/institutions/jade/")
    assert len(five.captured_queries) == len(one.captured_queries)


# --- the service's rules --------------------------------------------------------------------


def test_a_list_only_holds_the_institutions_own_open_products(jade, editor, funds):
    foreign = ProductFactory(slug="foreign")
    closed = ProductFactory(institution=jade, slug="closed", status=ProductStatus.CLOSED)
    for products in ([foreign], [funds[0], closed]):
        with pytest.raises(ValidationError) as exc:
            services.curated_list_save(
                institution=jade, actor=editor, title="Mine", blurb="", products=products
            )
        assert str(services.LIST_FOREIGN_PRODUCT) in str(exc.value)
    assert not CuratedList.objects.exists()  # nothing half-saved


def test_list_rules_title_products_length_and_marketing(jade, editor, funds):
    with pytest.raises(ValidationError) as exc:
        services.curated_list_save(institution=jade, actor=editor, title=" ", blurb="", products=[])
    assert set(exc.value.message_dict) == {"title", "products"}
    many = [ProductFactory(institution=jade) for _ in range(services.MAX_LIST_ITEMS + 1)]
    with pytest.raises(ValidationError):
        services.curated_list_save(
            institution=jade, actor=editor, title="T", blurb="", products=many
        )
    with pytest.raises(ValidationError) as exc:
        services.curated_list_save(
            institution=jade,
            actor=editor,
            title="Best picks",
            blurb="Up 4% in 3 months.",
            products=[funds[0]],
        )
    assert "blurb" in exc.value.message_dict
    assert not CuratedList.objects.exists()


def test_an_analyst_cannot_change_lists(jade, funds):
    analyst = MembershipFactory(institution=jade, role=Role.ANALYST).user
    with pytest.raises(PermissionDenied):
        services.curated_list_save(
            institution=jade, actor=analyst, title="T", blurb="", products=[funds[0]]
        )


# --- the portal -----------------------------------------------------------------------------


def test_portal_create_edit_reorder_publish(client, jade, editor, funds):
    client.force_login(editor)
    assert client.get("/portal/lists/").status_code == 200
    page = client.get("/portal/lists/new/").content.decode()
    assert all(p.name in page for p in funds)
    response = client.post(
        "/portal/lists/new/",
        {
            "title": "Steady picks",
            "blurb": "",
            f"place_{funds[2].pk}": "1",
            f"place_{funds[0].pk}": "2",
        },
    )
    assert response.status_code == 302
    first = CuratedList.objects.get(title="Steady picks")
    assert [i.product for i in first.items.all()] == [funds[2], funds[0]]
    # Edit: new places, one product out, one in.
    client.post(
        f"/portal/lists/{first.pk}/edit/",
        {"title": "Steady picks", "blurb": "Calm.", f"place_{funds[1].pk}": "1"}
        | {f"place_{funds[2].pk}": "2"},
    )
    assert [i.product for i in first.items.all()] == [funds[1], funds[2]]
    client.post("/portal/lists/new/", {"title": "Second", f"place_{funds[3].pk}": "1"})
    second = CuratedList.objects.get(title="Second")
    assert list(CuratedList.objects.filter(institution=jade)) == [first, second]
    client.post(f"/portal/lists/{second.pk}/up/")
    assert list(CuratedList.objects.filter(institution=jade)) == [second, first]
    client.post(f"/portal/lists/{first.pk}/publish/")
    client.post(f"/portal/lists/{second.pk}/publish/")
    client.logout()
    html = client.get("/institutions/jade/").content.decode()
    assert html.index("Second") < html.index("Steady picks")


def test_portal_bad_input_is_a_400_and_saves_nothing(client, jade, editor, funds):
    client.force_login(editor)
    for data in (
        {"title": "", f"place_{funds[0].pk}": "1"},
        {"title": "X", f"place_{funds[0].pk}": "abc"},
        {"title": "X", f"place_{funds[0].pk}": "0"},
        {"title": "X"},
    ):
        response = client.post("/portal/lists/new/", data)
        assert response.status_code == 400, data
    assert not CuratedList.objects.exists()


def test_portal_is_tenant_scoped(client, jade, editor, funds):
    other = InstitutionFactory(slug="other")
    other_editor = MembershipFactory(institution=other, role=Role.EDITOR).user
    theirs = services.curated_list_save(
        institution=other,
        actor=other_editor,
        title="Theirs",
        blurb="",
        products=[ProductFactory(institution=other)],
    )
    client.force_login(editor)
    assert client.get(f"/portal/lists/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/portal/lists/{theirs.pk}/publish/").status_code == 404
    assert "Theirs" not in client.get("/portal/lists/").content.decode()
    # Another institution's product offered in the form is not a choice: nothing is saved.
    foreign = ProductFactory(institution=other)
    assert foreign.name not in client.get("/portal/lists/new/").content.decode()
    response = client.post("/portal/lists/new/", {"title": "Sneaky", f"place_{foreign.pk}": "1"})
    assert response.status_code == 400
    assert not CuratedList.objects.filter(title="Sneaky").exists()
    assert not CuratedListItem.objects.filter(product=foreign).exists()
    theirs.refresh_from_db()
    assert not theirs.published
