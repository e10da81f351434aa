"""The e-mail templates the order and payment workflows send, in English, Arabic and French.

Tenants edit them in the CMS (Site content → Notification templates); `ensure_templates()` creates
the ones a tenant does not have yet (demo seeding, tests) and never overwrites an edited one.
Each entry: key, name, declared placeholders, and {language: (subject, body)}.
"""
TEMPLATES = [
    ("order-confirmation", "Order confirmation", "customer_name, order.number, order.total", {
        "en": ("Your order {{ order.number }} is confirmed",
               "Hello {{ customer_name }},\n\nThank you for your order {{ order.number }} ({{ order.total }})."),
        "ar": ("تم تأكيد طلبك {{ order.number }}",
               "مرحبًا {{ customer_name }}،\n\nشكرًا لطلبك {{ order.number }} ({{ order.total }})."),
        "fr": ("Votre commande {{ order.number }} est confirmée",
               "Bonjour {{ customer_name }},\n\nMerci pour votre commande {{ order.number }} ({{ order.total }}).")}),
    ("order-cancellation", "Order cancelled",
     "customer_name, order.number, cancellation.reason, cancellation.refunded", {
        "en": ("Your order {{ order.number }} is cancelled",
               "Hello {{ customer_name }},\n\nYour order {{ order.number }} has been cancelled "
               "({{ cancellation.reason }}). Refunded to your card: {{ cancellation.refunded }}."),
        "ar": ("تم إلغاء طلبك {{ order.number }}",
               "مرحبًا {{ customer_name }}،\n\nتم إلغاء طلبك {{ order.number }} ({{ cancellation.reason }}). "
               "المبلغ المسترد إلى بطاقتك: {{ cancellation.refunded }}."),
        "fr": ("Votre commande {{ order.number }} est annulée",
               "Bonjour {{ customer_name }},\n\nVotre commande {{ order.number }} a été annulée "
               "({{ cancellation.reason }}). Remboursé sur votre carte : {{ cancellation.refunded }}.")}),
    ("delivery-failed", "Delivery failed", "customer_name, order.number, delivery.reason", {
        "en": ("We could not deliver your order {{ order.number }}",
               "Hello {{ customer_name }},\n\nThe courier could not deliver your order {{ order.number }} "
               "({{ delivery.reason }}). We will contact you to arrange a new delivery."),
        "ar": ("تعذر توصيل طلبك {{ order.number }}",
               "مرحبًا {{ customer_name }}،\n\nتعذر على المندوب توصيل طلبك {{ order.number }} ({{ delivery.reason }}). "
               "سنتواصل معك لترتيب توصيل جديد."),
        "fr": ("Nous n'avons pas pu livrer votre commande {{ order.number }}",
               "Bonjour {{ customer_name }},\n\nLe livreur n'a pas pu livrer votre commande {{ order.number }} "
               "({{ delivery.reason }}). Nous vous contacterons pour une nouvelle livraison.")}),
    ("refund-confirmation", "Refund confirmation", "customer_name, order.number, return.amount, return.method", {
        "en": ("Your refund for order {{ order.number }}",
               "Hello {{ customer_name }},\n\nWe received your return and refunded {{ return.amount }} "
               "to your {{ return.method }}."),
        "ar": ("استرداد المبلغ لطلبك {{ order.number }}",
               "مرحبًا {{ customer_name }}،\n\nاستلمنا المرتجع وأعدنا {{ return.amount }} عبر {{ return.method }}."),
        "fr": ("Votre remboursement pour la commande {{ order.number }}",
               "Bonjour {{ customer_name }},\n\nNous avons reçu votre retour et remboursé {{ return.amount }} "
               "({{ return.method }}).")}),
    ("return-rejected", "Return not accepted", "customer_name, order.number, return.reason", {
        "en": ("Your return for order {{ order.number }}",
               "Hello {{ customer_name }},\n\nWe cannot accept this return: {{ return.reason }}."),
        "ar": ("طلب الإرجاع للطلب {{ order.number }}",
               "مرحبًا {{ customer_name }}،\n\nلا يمكننا قبول هذا الإرجاع: {{ return.reason }}."),
        "fr": ("Votre retour pour la commande {{ order.number }}",
               "Bonjour {{ customer_name }},\n\nNous ne pouvons pas accepter ce retour : {{ return.reason }}.")}),
    ("review-reminder", "Review reminder", "customer_name, order.number, review.products", {
        "en": ("How did you like your order {{ order.number }}?",
               "Hello {{ customer_name }},\n\nTell other shoppers what you think of {{ review.products }}."),
        "ar": ("ما رأيك في طلبك {{ order.number }}؟",
               "مرحبًا {{ customer_name }}،\n\nشارك رأيك في {{ review.products }} مع المتسوقين الآخرين."),
        "fr": ("Qu'avez-vous pensé de votre commande {{ order.number }} ?",
               "Bonjour {{ customer_name }},\n\nDites aux autres clients ce que vous pensez de {{ review.products }}.")}),
    ("review-final-reminder", "Review reminder (last)", "customer_name, order.number, review.products", {
        "en": ("A last word about your order {{ order.number }}",
               "Hello {{ customer_name }},\n\nYour review of {{ review.products }} helps others choose. "
               "This is our last reminder."),
        "ar": ("كلمة أخيرة عن طلبك {{ order.number }}",
               "مرحبًا {{ customer_name }}،\n\nتقييمك لـ {{ review.products }} يساعد الآخرين. هذا آخر تذكير."),
        "fr": ("Un dernier mot sur votre commande {{ order.number }}",
               "Bonjour {{ customer_name }},\n\nVotre avis sur {{ review.products }} aide les autres. "
               "C'est notre dernier rappel.")}),
    ("loyalty-points-earned", "Loyalty points earned", "customer_name, points.earned, points.balance, points.tier", {
        "en": ("You earned {{ points.earned }} points",
               "Hello {{ customer_name }},\n\nYou earned {{ points.earned }} points. Balance: {{ points.balance }} "
               "({{ points.tier }})."),
        "ar": ("حصلت على {{ points.earned }} نقطة",
               "مرحبًا {{ customer_name }}،\n\nحصلت على {{ points.earned }} نقطة. رصيدك: {{ points.balance }} "
               "({{ points.tier }})."),
        "fr": ("Vous avez gagné {{ points.earned }} points",
               "Bonjour {{ customer_name }},\n\nVous avez gagné {{ points.earned }} points. Solde : "
               "{{ points.balance }} ({{ points.tier }}).")}),
    ("installment-failed", "Instalment payment failed",
     "customer_name, order.number, installment.sequence, installment.count, installment.amount, installment.reason", {
        "en": ("Payment of instalment {{ installment.sequence }} failed",
               "Hello {{ customer_name }},\n\nWe could not charge instalment {{ installment.sequence }} of "
               "{{ installment.count }} ({{ installment.amount }}) for order {{ order.number }}: "
               "{{ installment.reason }}. Please contact us to settle the balance."),
        "ar": ("فشل دفع القسط {{ installment.sequence }}",
               "مرحبًا {{ customer_name }}،\n\nتعذر تحصيل القسط {{ installment.sequence }} من {{ installment.count }} "
               "({{ installment.amount }}) للطلب {{ order.number }}: {{ installment.reason }}. يرجى التواصل معنا."),
        "fr": ("Le paiement de l'échéance {{ installment.sequence }} a échoué",
               "Bonjour {{ customer_name }},\n\nNous n'avons pas pu prélever l'échéance {{ installment.sequence }} sur "
               "{{ installment.count }} ({{ installment.amount }}) de la commande {{ order.number }} : "
               "{{ installment.reason }}. Merci de nous contacter.")}),
    ("gift-card-delivery", "Gift card", "sender.name, gift_card.code, gift_card.amount, store.name", {
        "en": ("{{ sender.name }} sent you a gift card",
               "You received a {{ store.name }} gift card worth {{ gift_card.amount }}.\n\nCode: {{ gift_card.code }}"),
        "ar": ("أرسل لك {{ sender.name }} بطاقة هدية",
               "وصلتك بطاقة هدية من {{ store.name }} بقيمة {{ gift_card.amount }}.\n\nالرمز: {{ gift_card.code }}"),
        "fr": ("{{ sender.name }} vous offre une carte cadeau",
               "Vous avez reçu une carte cadeau {{ store.name }} de {{ gift_card.amount }}.\n\n"
               "Code : {{ gift_card.code }}")}),
    ("vendor-new-order", "New order for a vendor",
     "vendor.name, order.number, vendor_order.items, vendor_order.net", {
        "en": ("New order {{ order.number }}",
               "Hello {{ vendor.name }},\n\nOrder {{ order.number }}: {{ vendor_order.items }}. Your share: "
               "{{ vendor_order.net }}. A courier will collect it."),
        "ar": ("طلب جديد {{ order.number }}",
               "مرحبًا {{ vendor.name }}،\n\nالطلب {{ order.number }}: {{ vendor_order.items }}. حصتك: "
               "{{ vendor_order.net }}. سيستلمه المندوب منك."),
        "fr": ("Nouvelle commande {{ order.number }}",
               "Bonjour {{ vendor.name }},\n\nCommande {{ order.number }} : {{ vendor_order.items }}. Votre part : "
               "{{ vendor_order.net }}. Un livreur viendra la chercher.")}),
    ("vendor-payout", "Vendor payout", "vendor.name, payout.amount, payout.transfer_id", {
        "en": ("Payout of {{ payout.amount }} sent",
               "Hello {{ vendor.name }},\n\nWe sent {{ payout.amount }} to your account (transfer "
               "{{ payout.transfer_id }})."),
        "ar": ("تم تحويل {{ payout.amount }}",
               "مرحبًا {{ vendor.name }}،\n\nحوّلنا {{ payout.amount }} إلى حسابك (التحويل {{ payout.transfer_id }})."),
        "fr": ("Versement de {{ payout.amount }} envoyé",
               "Bonjour {{ vendor.name }},\n\nNous avons versé {{ payout.amount }} sur votre compte (virement "
               "{{ payout.transfer_id }}).")}),
    ("dispute-update", "Dispute update", "vendor.name, order.number, dispute.status, dispute.amount", {
        "en": ("Dispute on order {{ order.number }}: {{ dispute.status }}",
               "Hello {{ vendor.name }},\n\nThe payment dispute of {{ dispute.amount }} on order {{ order.number }} "
               "is {{ dispute.status }}."),
        "ar": ("نزاع على الطلب {{ order.number }}: {{ dispute.status }}",
               "مرحبًا {{ vendor.name }}،\n\nحالة نزاع الدفع بقيمة {{ dispute.amount }} على الطلب {{ order.number }}: "
               "{{ dispute.status }}."),
        "fr": ("Litige sur la commande {{ order.number }} : {{ dispute.status }}",
               "Bonjour {{ vendor.name }},\n\nLe litige de paiement de {{ dispute.amount }} sur la commande "
               "{{ order.number }} est : {{ dispute.status }}.")}),
    ("reconciliation-discrepancies", "Reconciliation differences",
     "store.name, reconciliation.date, reconciliation.count, reconciliation.summary", {
        "en": ("{{ store.name }}: {{ reconciliation.count }} payment differences on {{ reconciliation.date }}",
               "The reconciliation of {{ reconciliation.date }} found {{ reconciliation.count }} differences:\n\n"
               "{{ reconciliation.summary }}"),
        "ar": ("{{ store.name }}: {{ reconciliation.count }} فروقات في المدفوعات بتاريخ {{ reconciliation.date }}",
               "وجدت المطابقة ليوم {{ reconciliation.date }} عدد {{ reconciliation.count }} من الفروقات:\n\n"
               "{{ reconciliation.summary }}"),
        "fr": ("{{ store.name }} : {{ reconciliation.count }} écarts de paiement le {{ reconciliation.date }}",
               "Le rapprochement du {{ reconciliation.date }} a trouvé {{ reconciliation.count }} écarts :\n\n"
               "{{ reconciliation.summary }}")}),
    ("booking-no-show", "Missed booking", "booking.title, booking.starts_at, booking.fee", {
        "en": ("We missed you: {{ booking.title }}",
               "Hello,\n\nNobody checked in for {{ booking.title }} on {{ booking.starts_at }}, so the booking is "
               "recorded as missed and its place given to others. No-show fee charged to your card: "
               "{{ booking.fee }}."),
        "ar": ("فاتك موعدك: {{ booking.title }}",
               "مرحبًا،\n\nلم يتم تسجيل حضورك لـ {{ booking.title }} في {{ booking.starts_at }}، لذلك سُجّل الحجز "
               "كغياب وأُتيح مكانك لغيرك. رسوم عدم الحضور المخصومة من بطاقتك: {{ booking.fee }}."),
        "fr": ("Nous vous avons manqué : {{ booking.title }}",
               "Bonjour,\n\nPersonne ne s'est présenté pour {{ booking.title }} le {{ booking.starts_at }} : la "
               "réservation est notée comme manquée et la place rendue. Frais de non-présentation débités de "
               "votre carte : {{ booking.fee }}.")}),
]

KEYS = [key for key, *_ in TEMPLATES]


def ensure_templates() -> int:
    """Create, in the current tenant, the e-mail templates it does not have (in each of its
    languages). Returns how many were created."""
    from wagtail.models import Locale

    from content.models import NotificationTemplate

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    created = 0
    for key, name, variables, texts in TEMPLATES:
        original = None
        for language, (subject, body) in texts.items():
            locale = locales.get(language)
            if locale is None:
                continue
            existing = NotificationTemplate.objects.filter(key=key, channel="email", locale=locale).first()
            if existing is not None:
                original = original or existing
                continue
            if original is not None:
                template = original.copy_for_translation(locale)
                template.subject, template.body, template.variables = subject, body, variables
            else:
                template = NotificationTemplate(key=key, channel="email", locale=locale, name=name,
                                                variables=variables, subject=subject, body=body)
            template.full_clean(exclude=["translation_key"])
            template.save()
            original = original or template
            created += 1
    return created
