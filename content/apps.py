from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self):
        from content import commerce_client, enrichment
        from content import events  # noqa: F401  (connects the record deletion receiver)

        # The store's product responses carry what editors wrote about the products.
        commerce_client.register_product_enricher(enrichment.enrich_products)
