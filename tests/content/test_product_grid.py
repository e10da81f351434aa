"""The product grid block: products read live from commerce when the page is rendered and when the
store content API serves it — the newest, a collection's, a POI's offers or chosen ones."""
import pytest
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Page

from content.blocks import ProductGridBlock
from content.models import HomePage
from tests.commerce.conftest import Store
from tests.content.conftest import run_workflows

pytestmark = pytest.mark.django_db


def grid(**value) -> dict:
    return {"heading": "From our store", "source": "newest", "collection": "", "category": "", "poi": None,
            "products": [], "limit": 8, "show_prices": True, **value}


def home_with(*blocks) -> HomePage:
    home = HomePage.objects.get(depth=2, locale__language_code="en")
    home.body = [("product_grid", block) for block in blocks]
    home.save_revision().publish()
    return home


@pytest.fixture
def store(alpha, tenant_a):
    return Store(tenant_a).use()


def test_the_rendered_page_shows_the_store_products(store, client_a):
    store.product(price="12.50", title="Fresh mint")
    store.product(price="80.00", title="Sold-out honey", stock=0)
    store.product(title="Hidden draft", status="draft")
    home_with(grid(heading="Today at the market"))
    html = client_a.get("/").content.decode()
    assert "Today at the market" in html and 'data-block="product-grid"' in html
    assert "Fresh mint" in html and "12.50 SAR" in html
    assert "Sold-out honey" in html and "product-card--sold-out" in html and "Sold out" in html
    assert "Hidden draft" not in html


def test_a_grid_of_chosen_products_keeps_their_order_and_the_limit(store, client_a):
    first = store.product(title="First pick", handle="first-pick")
    second = store.product(title="Second pick")
    store.product(title="Not chosen")
    home_with(grid(source="products", products=[second.pk, "first-pick"], limit=5))
    html = client_a.get("/").content.decode()
    assert html.index("Second pick") < html.index("First pick") and "Not chosen" not in html
    home_with(grid(source="newest", limit=1))
    html = client_a.get("/").content.decode()
    assert html.count('<li class="product-card') == 1
    assert first.title not in html


def test_a_grid_of_a_point_of_interest_shows_what_its_records_sell(alpha, make_record, poi, client_a):
    from content.models import PointOfInterest

    make_record("events", publish=True, title="Jazz night", slug="jazz")
    other = PointOfInterest.objects.create(name="Elsewhere", slug="elsewhere", domain="commerce")
    from content import services
    from tests.content.conftest import record_fields

    services.create_record("rentals", publish=True, poi=other, **{**record_fields("rentals"), "title": "Other stall"})
    run_workflows(alpha, "CMSCommercePush")
    home_with(grid(source="poi", poi=poi))
    html = client_a.get("/").content.decode()
    assert "Jazz night" in html and "Other stall" not in html


def test_the_content_api_serves_the_grid_with_its_products(store, client_a):
    product = store.product(price="45.00", title="Date syrup", handle="date-syrup")
    home_with(grid(source="collection", collection="nope"), grid(source="products", products=["date-syrup"]))
    body = client_a.get("/store/content/home").json()["content"]["body"]
    assert [block["type"] for block in body] == ["product_grid", "product_grid"]
    assert body[0]["value"]["products"] == []
    [card] = body[1]["value"]["products"]
    assert card["id"] == product.pk and card["title"] == "Date syrup" and card["in_stock"] is True
    assert card["price"] == {"currency_code": "SAR", "min": "45.00", "max": "45.00"}


def test_a_grid_names_what_its_source_needs():
    block = ProductGridBlock()
    for source, field in (("collection", "collection"), ("category", "category"), ("poi", "poi"),
                          ("products", "products")):
        with pytest.raises(StructBlockValidationError) as refused:
            block.clean(block.to_python(grid(source=source)))
        assert field in refused.value.block_errors
    assert block.clean(block.to_python(grid(source="newest")))["source"] == "newest"


def test_the_grid_is_in_the_page_editor(alpha, cms_client):
    home = Page.objects.get(depth=2, locale__language_code="en")
    page = cms_client.get(f"/cms/pages/{home.pk}/edit/")
    assert page.status_code == 200 and b"product_grid" in page.content
