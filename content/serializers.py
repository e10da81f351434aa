"""Response shapes of the content API (for the OpenAPI document; the views build plain dicts)."""
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    alt = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    original_url = serializers.CharField(allow_null=True)


class SEOSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    image = ImageSerializer(allow_null=True)
    canonical_url = serializers.CharField(allow_null=True)
    noindex = serializers.BooleanField()


class TranslationSerializer(serializers.Serializer):
    locale = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class ContentPageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField(help_text="homepage, standardpage, blogindexpage, blogpostpage or formpage")
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    locale = serializers.CharField(help_text="The language of the content served.")
    requested_locale = serializers.CharField(allow_null=True, help_text="The language asked for, if any.")
    direction = serializers.ChoiceField(choices=["ltr", "rtl"])
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)
    seo = SEOSerializer()
    translations = TranslationSerializer(many=True)
    content = serializers.DictField(
        help_text="The page type's fields; `body` is a list of blocks `{type, id, value}` "
                  "(hero, rich_text, image, media, call_to_action, faq).")


class NavigationLinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()
    open_in_new_tab = serializers.BooleanField()
    active = serializers.BooleanField()
    children = serializers.ListField(child=serializers.DictField(), help_text="Nested links of the same shape.")


class NavigationSerializer(serializers.Serializer):
    handle = serializers.CharField()
    title = serializers.CharField()
    locale = serializers.CharField()
    items = NavigationLinkSerializer(many=True)
