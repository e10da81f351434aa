"""The JSON shape of a customer and an address."""


def present_address(address) -> dict:
    return {
        "id": address.id, "first_name": address.first_name, "last_name": address.last_name,
        "company": address.company, "address_1": address.address_1, "address_2": address.address_2,
        "city": address.city, "province": address.province, "postal_code": address.postal_code,
        "country_code": address.country_code, "phone": address.phone,
        "is_default_shipping": address.is_default_shipping, "is_default_billing": address.is_default_billing,
        "metadata": address.metadata,
    }


def present_customer(customer, *, admin: bool = False) -> dict:
    data = {
        "id": customer.id, "email": customer.email, "first_name": customer.first_name,
        "last_name": customer.last_name, "phone": customer.phone, "has_account": customer.has_account,
        "addresses": [present_address(a) for a in customer.addresses.all()],
        "group_ids": [g.id for g in customer.groups.all()],
        "metadata": customer.metadata, "created_at": customer.created_at.isoformat(),
    }
    if admin:
        data["is_active"] = customer.is_active
        data["updated_at"] = customer.updated_at.isoformat()
    return data
