"""Store API (/store/...) and admin API (/admin/api/...) routes of the commerce engine."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from commerce.carts import store_api as carts
from commerce.catalog import admin_api as catalog_admin
from commerce.customers import admin_api as customers_admin
from commerce.giftcards import admin_api as giftcards_admin
from commerce.inventory import admin_api as inventory_admin
from commerce.invoices import admin_api as invoices_admin
from commerce.marketplace import admin_api as marketplace_admin
from commerce.orders import admin_api as orders_admin
from commerce.payments import admin_api as payments_admin
from commerce.pricing import admin_api as pricing_admin
from commerce.promotions import admin_api as promotions_admin
from commerce.regions import admin_api as regions_admin
from commerce.reviews import admin_api as reviews_admin
from commerce.shipping import admin_api as shipping_admin
from commerce.catalog import store_api as catalog
from commerce.customers import store_api as customers
from commerce.orders import store_api as orders
from commerce.reviews import store_api as reviews

store = [
    path("products", catalog.ProductListView.as_view(), name="store-products"),
    path("products/<str:id_or_handle>", catalog.ProductDetailView.as_view(), name="store-product"),
    path("products/<str:id_or_handle>/reviews", reviews.ProductReviewsView.as_view(), name="store-product-reviews"),
    path("collections", catalog.CollectionListView.as_view(), name="store-collections"),
    path("categories", catalog.CategoryListView.as_view(), name="store-categories"),
    path("regions", catalog.RegionListView.as_view(), name="store-regions"),
    path("customers", customers.RegisterView.as_view(), name="store-register"),
    path("auth/token", customers.TokenView.as_view(), name="store-token"),
    path("customers/me", customers.MeView.as_view(), name="store-me"),
    path("customers/me/addresses", customers.AddressesView.as_view(), name="store-addresses"),
    path("customers/me/addresses/<str:address_id>", customers.AddressView.as_view(), name="store-address"),
    path("customers/me/loyalty", customers.LoyaltyView.as_view(), name="store-loyalty"),
    path("carts", carts.CartCreateView.as_view(), name="store-carts"),
    path("carts/<str:cart_id>", carts.CartDetailView.as_view(), name="store-cart"),
    path("carts/<str:cart_id>/line-items", carts.LineItemsView.as_view(), name="store-cart-lines"),
    path("carts/<str:cart_id>/line-items/<str:line_id>", carts.LineItemView.as_view(), name="store-cart-line"),
    path("carts/<str:cart_id>/promotions", carts.PromotionsView.as_view(), name="store-cart-promotions"),
    path("carts/<str:cart_id>/promotions/<str:code>", carts.PromotionView.as_view(), name="store-cart-promotion"),
    path("carts/<str:cart_id>/gift-cards", carts.GiftCardsView.as_view(), name="store-cart-gift-cards"),
    path("carts/<str:cart_id>/gift-cards/<str:code>", carts.GiftCardView.as_view(), name="store-cart-gift-card"),
    path("carts/<str:cart_id>/shipping-methods", carts.ShippingMethodsView.as_view(), name="store-cart-shipping"),
    path("carts/<str:cart_id>/payment-sessions", carts.PaymentSessionsView.as_view(), name="store-cart-payment"),
    path("carts/<str:cart_id>/complete", carts.CompleteView.as_view(), name="store-cart-complete"),
    path("shipping-options", carts.ShippingOptionsView.as_view(), name="store-shipping-options"),
    path("orders", orders.MyOrdersView.as_view(), name="store-orders"),
    path("orders/<str:order_id>", orders.OrderView.as_view(), name="store-order"),
    path("orders/<str:order_id>/returns", orders.OrderReturnsView.as_view(), name="store-order-returns"),
    path("orders/<str:order_id>/cancel", orders.OrderCancelView.as_view(), name="store-order-cancel"),
]

router = SimpleRouter(trailing_slash=False)
router.register("products", catalog_admin.ProductViewSet, basename="admin-products")
router.register("variants", catalog_admin.VariantViewSet, basename="admin-variants")
router.register("collections", catalog_admin.CollectionViewSet, basename="admin-collections")
router.register("categories", catalog_admin.CategoryViewSet, basename="admin-categories")
router.register("price-lists", pricing_admin.PriceListViewSet, basename="admin-price-lists")
router.register("volume-pricing", pricing_admin.VolumePricingViewSet, basename="admin-volume-pricing")
router.register("tax-rules", pricing_admin.TaxRuleViewSet, basename="admin-tax-rules")
router.register("promotions", promotions_admin.PromotionViewSet, basename="admin-promotions")
router.register("gift-cards", giftcards_admin.GiftCardViewSet, basename="admin-gift-cards")
router.register("stock-locations", inventory_admin.LocationViewSet, basename="admin-stock-locations")
router.register("shipping-options", shipping_admin.ShippingOptionViewSet, basename="admin-shipping-options")
router.register("regions", regions_admin.RegionViewSet, basename="admin-regions")
router.register("sales-channels", regions_admin.SalesChannelViewSet, basename="admin-sales-channels")
router.register("customers", customers_admin.CustomerViewSet, basename="admin-customers")
router.register("customer-groups", customers_admin.CustomerGroupViewSet, basename="admin-customer-groups")
router.register("orders", orders_admin.OrderViewSet, basename="admin-orders")
router.register("returns", orders_admin.ReturnViewSet, basename="admin-returns")
router.register("invoices", invoices_admin.InvoiceViewSet, basename="admin-invoices")
router.register("reviews", reviews_admin.ReviewViewSet, basename="admin-reviews")
router.register("disputes", payments_admin.DisputeViewSet, basename="admin-disputes")
router.register("installment-plans", payments_admin.InstallmentPlanViewSet, basename="admin-installment-plans")
router.register("escrow-holds", payments_admin.EscrowHoldViewSet, basename="admin-escrow-holds")
router.register("reconciliation-reports", payments_admin.ReconciliationReportViewSet,
                basename="admin-reconciliation-reports")
router.register("vendors", marketplace_admin.VendorViewSet, basename="admin-vendors")
router.register("vendor-orders", marketplace_admin.VendorOrderViewSet, basename="admin-vendor-orders")
router.register("commission-rules", marketplace_admin.CommissionRuleViewSet, basename="admin-commission-rules")
router.register("commission-transactions", marketplace_admin.CommissionTransactionViewSet,
                basename="admin-commission-transactions")
router.register("payouts", marketplace_admin.PayoutViewSet, basename="admin-payouts")

admin = [
    path("stock-levels", inventory_admin.StockLevelsView.as_view(), name="admin-stock-levels"),
    *router.urls,
    path("", include("commerce.bookings.urls")),
    path("", include("commerce.subscriptions.urls")),
]

urlpatterns = [
    path("store/", include(store)),
    path("admin/api/", include(admin)),
]
