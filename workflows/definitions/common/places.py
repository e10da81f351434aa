"""Places for Fleetbase: pickups (a stock location or a vendor) and drop-offs (the order's
shipping address), always with coordinates — Fleetbase needs them (an address it cannot geocode
silently becomes POINT(0,0)).

An address with `latitude`/`longitude` is used as given; otherwise its city is looked up in the
gazetteer below and placed a little off the city centre (deterministically, from the street),
so two addresses in one city are two points. A city the gazetteer does not know cannot be
delivered to: `DeliveryZoneUnavailableError` (non-retryable; the saga compensates).
"""
import hashlib

from django.conf import settings

from integrations import errors

# City centres of the region the platform serves (lat, lng); keys are lower-case city names.
GAZETTEER = {
    "riyadh": (24.7136, 46.6753), "ar riyadh": (24.7136, 46.6753), "diriyah": (24.7339, 46.5758),
    "jeddah": (21.4858, 39.1925), "mecca": (21.3891, 39.8579), "makkah": (21.3891, 39.8579),
    "medina": (24.5247, 39.5692), "madinah": (24.5247, 39.5692), "dammam": (26.4207, 50.0888),
    "khobar": (26.2172, 50.1971), "al khobar": (26.2172, 50.1971), "dhahran": (26.2361, 50.0393),
    "taif": (21.2703, 40.4158), "abha": (18.2164, 42.5053), "tabuk": (28.3838, 36.5550),
    "buraidah": (26.3260, 43.9750), "hail": (27.5114, 41.7208), "jubail": (27.0046, 49.6460),
    "dubai": (25.2048, 55.2708), "abu dhabi": (24.4539, 54.3773), "sharjah": (25.3463, 55.4209),
    "doha": (25.2854, 51.5310), "manama": (26.2285, 50.5860), "kuwait city": (29.3759, 47.9774),
    "muscat": (23.5880, 58.3829), "amman": (31.9454, 35.9284), "cairo": (30.0444, 31.2357),
}
MAX_OFFSET_DEGREES = 0.03  # about 3 km


def _offset(seed: str) -> tuple[float, float]:
    digest = hashlib.sha256(seed.encode()).digest()
    return tuple((int.from_bytes(digest[i:i + 4], "big") / 2 ** 32 * 2 - 1) * MAX_OFFSET_DEGREES for i in (0, 4))


def coordinates(address: dict | None) -> tuple[float, float] | None:
    address = address or {}
    if address.get("latitude") is not None and address.get("longitude") is not None:
        return float(address["latitude"]), float(address["longitude"])
    centre = GAZETTEER.get(str(address.get("city") or "").strip().lower())
    if centre is None:
        return None
    d_lat, d_lng = _offset(f"{address.get('address_1', '')}|{address.get('postal_code', '')}")
    return round(centre[0] + d_lat, 6), round(centre[1] + d_lng, 6)


def place(address: dict | None, *, name: str, role: str) -> dict:
    """A Fleetbase place for `address`; DeliveryZoneUnavailableError when it cannot be located."""
    address = address or {}
    point = coordinates(address)
    if point is None:
        raise errors.DeliveryZoneUnavailableError(
            f"The {role} address in {address.get('city') or 'an unknown city'} is outside the delivery area.",
            system="fleetbase", external_code="unknown_city", details={"city": address.get("city")})
    return {"name": name or role.title(), "street1": address.get("address_1", ""), "city": address.get("city", ""),
            "country": address.get("country_code", ""), "phone": address.get("phone", ""),
            "latitude": point[0], "longitude": point[1]}


def default_pickup_address() -> dict:
    return {"address_1": "Central warehouse", "city": getattr(settings, "DELIVERY_DEFAULT_CITY", "Riyadh"),
            "country_code": "SA"}


def pickup_for(vendor=None, location=None) -> dict:
    """Where goods are collected: the vendor's address, else the stock location's, else the
    platform's default city."""
    for candidate, label in ((getattr(vendor, "address", None), getattr(vendor, "name", "")),
                             (getattr(location, "address", None), getattr(location, "name", ""))):
        if candidate and coordinates(candidate) is not None:
            return place(candidate, name=label, role="pickup")
    return place(default_pickup_address(), name=getattr(vendor, "name", "") or getattr(location, "name", "")
                 or "Warehouse", role="pickup")


def dropoff_for(order) -> dict:
    from workflows.definitions.common.orders import customer_name

    address = order.shipping_address
    if not address:
        raise errors.DeliveryZoneUnavailableError("The order has no shipping address.", system="fleetbase",
                                                  external_code="no_address")
    return place({**address, "phone": address.get("phone", "")}, name=customer_name(order), role="dropoff")
