from django.apps import AppConfig


class GiftcardsConfig(AppConfig):
    name = "commerce.giftcards"
    label = "giftcards"
    verbose_name = "Gift cards"
    default_auto_field = "django.db.models.BigAutoField"
