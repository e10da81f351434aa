"""A real browser on a real server: headless Chromium (Debian's `chromium`) loads a tenant's home
page served by gunicorn on the test database, and its screenshot and DOM show the tenant's
branding (name, logo, colours) and the product grid with the store's products.
Set CITYOS_SCREENSHOT_DIR to keep the screenshot."""
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image as PILImage

from tests.support.processes import ROOT, free_port, wait_for
from tests.support.tenants import drop_tenant

pytestmark = pytest.mark.slow

SLUG, HOST = "shot", "shot.localhost"
BRAND = "Palm Grove Market"
PRIMARY = (185, 28, 28)  # #B91C1C: the hero banner's background
LOGO = (0, 200, 83)  # the logo's colour
THUMBNAIL = (30, 64, 175)  # the products' picture
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1280,1800"]


def png(colour, size=(240, 240)) -> io.BytesIO:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer


def chromium(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "Debian's chromium is required (`.ci/run` installs it: apt-get install chromium)"
    with tempfile.TemporaryDirectory(prefix="cityos-chromium-") as profile:
        return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)


class WebServer:
    """gunicorn serving the project on the test database."""

    def __init__(self, database_url: str, redis_url: str):
        self.port = free_port()
        self.log = Path(tempfile.gettempdir()) / f"cityos-web-{self.port}.log"
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DEBUG": "1",
                    "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DB_CONN_MAX_AGE": "0"}
        self.proc = None

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def up(self) -> bool:
        try:
            return httpx.get(self.url("localhost", "/health"), timeout=1).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    def __enter__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cityos.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--timeout", "60"], cwd=ROOT, env=self.env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        wait_for(lambda: self.up() or self.proc.poll() is not None, 60, "gunicorn")
        assert self.proc.poll() is None, self.log.read_text()[-3000:]
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(20)


@pytest.fixture
def branded_tenant(live_db):
    """A tenant with its branding, two products in the store and a product grid on its home page
    (committed: the server process reads them)."""
    from wagtail.images.models import Image
    from wagtail.models import Site

    from commerce.catalog import services as catalog
    from content.models import BrandingSettings, HomePage
    from tenants.services import provision_tenant

    drop_tenant(SLUG)
    tenant = provision_tenant(SLUG, domain=HOST, name=BRAND).tenant
    try:
        with schema_context(tenant.schema_name):
            site = Site.objects.get(is_default_site=True)
            branding = BrandingSettings.for_site(site)
            branding.brand_name, branding.primary_color = BRAND, "#B91C1C"
            branding.tagline, branding.load_web_fonts = "Dates, honey and olive oil from our grove.", False
            branding.logo = Image.objects.create(title="Palm Grove logo", file=ImageFile(png(LOGO, (480, 192)),
                                                                                          name="logo.png"))
            branding.save()
            picture = Image.objects.create(title="Jar", file=ImageFile(png(THUMBNAIL), name="jar.png"))
            for title, price in (("Sukkari dates", "42.00"), ("Olive oil, 1 l", "65.00")):
                catalog.create_product({"title": title, "status": "published", "kind": "physical",
                                        "thumbnail": picture.file.url, "variants": [
                                            {"sku": f"SHOT-{title[:5].upper()}", "inventory_quantity": 10,
                                             "prices": [{"currency_code": "SAR", "amount": price}]}]})
            home = HomePage.objects.get(depth=2)
            home.body = [("product_grid", {"heading": "Fresh from the grove", "source": "newest", "collection": "",
                                           "category": "", "poi": None, "products": [], "limit": 8,
                                           "show_prices": True})]
            home.save_revision().publish()
        connection.set_schema_to_public()
        yield tenant
    finally:
        drop_tenant(SLUG)


def share_of(image: PILImage.Image, colour, tolerance: int = 12) -> float:
    """The share of the image's pixels within `tolerance` of `colour`."""
    data = image.convert("RGB").tobytes()
    pixels = (data[i:i + 3] for i in range(0, len(data), 3))
    close = sum(1 for pixel in pixels if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour)))
    return close / (len(data) // 3)


def test_the_home_page_shows_the_branding_and_the_product_grid_in_a_real_browser(branded_tenant, test_database_url,
                                                                                redis_server, tmp_path):
    with WebServer(test_database_url, redis_server.url(0)) as server:
        url = server.url(HOST)  # Chromium resolves *.localhost to 127.0.0.1 itself
        warm = httpx.get(server.url("127.0.0.1"), headers={"Host": f"{HOST}:{server.port}"}, timeout=30)
        assert warm.status_code == 200, warm.text[:2000]
        shot = tmp_path / "home.png"
        taken = chromium(f"--screenshot={shot}", "--virtual-time-budget=5000", url)
        assert shot.exists(), taken.stderr[-3000:]
        dom = chromium("--dump-dom", "--virtual-time-budget=5000", url).stdout

    assert BRAND in dom and 'class="brand__logo"' in dom
    assert "--brand-primary: #B91C1C" in dom
    assert 'data-block="product-grid"' in dom and "Fresh from the grove" in dom
    assert "Sukkari dates" in dom and "42.00 SAR" in dom and "Olive oil, 1 l" in dom and "65.00 SAR" in dom

    if os.environ.get("CITYOS_SCREENSHOT_DIR"):  # keep it (CI artifacts)
        shutil.copy(shot, Path(os.environ["CITYOS_SCREENSHOT_DIR"]) / "tenant-home.png")
    image = PILImage.open(shot)
    assert image.size == (1280, 1800)
    assert share_of(image, PRIMARY) > 0.02, "the brand colour (hero banner) is not on the page"
    assert share_of(image, LOGO) > 0.001, "the logo was not drawn"
    assert share_of(image, THUMBNAIL) > 0.01, "the product grid's pictures were not drawn"
