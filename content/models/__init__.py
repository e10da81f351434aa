"""Content models of a tenant schema (see each module)."""
from content.models.pages import (  # noqa: F401
    BlogIndexPage, BlogPostPage, BlogPostTag, FormField, FormPage, HomePage, SitePage, StandardPage,
)
from content.models.places import Domain, PointOfInterest  # noqa: F401
from content.models.products import ProductContent, ProductContentImage  # noqa: F401
from content.models.records import (  # noqa: F401
    COLLECTIONS, CitizenService, CommerceEntity, CourseEnrollment, DomainRecord, Event, HealthcareAppointment,
    JobListing, MarketListing, Property, Rental, ServicePlan, TransitPass,
)
from content.models.revenue import POICommerceSummary, POIRevenueSnapshot  # noqa: F401
from content.models.site_settings import BrandingSettings, SEOSettings  # noqa: F401
from content.models.snippets import FAQ, Announcement, Banner, NavigationMenu, NotificationTemplate  # noqa: F401
