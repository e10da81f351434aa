from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self):
        from content import events  # noqa: F401  (connects the record deletion receiver)
