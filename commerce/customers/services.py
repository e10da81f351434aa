"""Customers: registration, tokens, profile and addresses, guests, groups."""
import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound, ServiceError
from commerce import conf, events
from commerce.customers.models import Customer, CustomerAddress, CustomerGroup, CustomerToken

PROFILE_FIELDS = ("first_name", "last_name", "phone", "metadata")
ADDRESS_FIELDS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province",
                  "postal_code", "country_code", "phone", "is_default_shipping", "is_default_billing", "metadata")


class InvalidCredentials(ServiceError):
    status = 401
    code = "invalid_credentials"


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("That is not an email address.", fields={"email": ["Enter a valid email address."]}) from None
    return email


def _check_password(password: str, customer: Customer | None = None) -> None:
    try:
        validate_password(password or "", user=customer)
    except ValidationError as exc:
        raise InvalidInput("The password is too weak.", fields={"password": exc.messages}) from None


def _customer_payload(customer: Customer) -> dict:
    return {"customer_id": customer.id, "email": customer.email, "first_name": customer.first_name,
            "last_name": customer.last_name, "phone": customer.phone, "has_account": customer.has_account}


# -- accounts --------------------------------------------------------------------------------------

def register(*, email: str, password: str, first_name: str = "", last_name: str = "", phone: str = "",
             metadata: dict | None = None) -> Customer:
    """Create a customer account. A guest with this email (from an earlier checkout) becomes the
    account; an existing account answers 409 `email_taken`."""
    email = normalize_email(email)
    _check_password(password)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(email=email).first()
        if customer is not None and customer.has_account:
            raise Conflict("An account with this email already exists.", code="email_taken",
                           fields={"email": ["Already registered."]})
        created = customer is None
        if created:
            customer = Customer(email=email)
        customer.first_name = first_name or customer.first_name
        customer.last_name = last_name or customer.last_name
        customer.phone = phone or customer.phone
        customer.metadata = {**customer.metadata, **(metadata or {})}
        customer.has_account = True
        customer.set_password(password)
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError:
            raise Conflict("An account with this email already exists.", code="email_taken",
                           fields={"email": ["Already registered."]}) from None
        if created:
            events.emit(events.CUSTOMER_CREATED, customer.id, _customer_payload(customer))
        else:
            events.emit(events.CUSTOMER_UPDATED, customer.id,
                        {"customer_id": customer.id, "email": customer.email, "changes": ["has_account"],
                         "has_account": True})
    return customer


def guest_for_email(email: str, *, first_name: str = "", last_name: str = "", phone: str = "") -> Customer:
    """The customer record of a checkout by email (created as a guest the first time)."""
    email = normalize_email(email)
    customer = Customer.objects.filter(email=email).first()
    if customer is not None:
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(email=email, first_name=first_name, last_name=last_name, phone=phone)
            events.emit(events.CUSTOMER_CREATED, customer.id, _customer_payload(customer))
    except IntegrityError:  # registered concurrently
        customer = Customer.objects.get(email=email)
    return customer


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(customer: Customer) -> tuple[str, CustomerToken]:
    """A new bearer token for the customer; the raw value is returned once and never stored."""
    raw = "cst_" + secrets.token_urlsafe(32)
    row = CustomerToken.objects.create(digest=_digest(raw), customer=customer,
                                       expires_at=timezone.now() + timedelta(days=conf.CUSTOMER_TOKEN_DAYS))
    return raw, row


def authenticate(email: str, password: str) -> tuple[str, CustomerToken]:
    """Email + password → a bearer token; 401 `invalid_credentials` otherwise (same answer for
    an unknown email and a wrong password)."""
    email = (email or "").strip().lower()
    customer = Customer.objects.filter(email=email, has_account=True, is_active=True).first()
    if customer is None or not customer.check_password(password or ""):
        raise InvalidCredentials("The email or password is wrong.")
    return issue_token(customer)


def customer_for_token(raw: str) -> Customer | None:
    row = (CustomerToken.objects.select_related("customer")
           .filter(digest=_digest(raw), revoked_at__isnull=True, expires_at__gt=timezone.now()).first())
    if row is None or not row.customer.is_active:
        return None
    return row.customer


def revoke_token(raw: str) -> None:
    CustomerToken.objects.filter(digest=_digest(raw), revoked_at__isnull=True).update(revoked_at=timezone.now())


# -- profile ---------------------------------------------------------------------------------------

def get_customer(customer_id: str) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"No customer {customer_id}.", code="customer_not_found")
    return customer


def list_customers(*, q: str | None = None, group_id: str | None = None, has_account: bool | None = None):
    queryset = Customer.objects.all()
    if q:
        queryset = queryset.filter(Q(email__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if group_id:
        queryset = queryset.filter(groups=group_id)
    if has_account is not None:
        queryset = queryset.filter(has_account=has_account)
    return queryset


def update_customer(customer: Customer, data: dict) -> Customer:
    """Profile fields, `email` (must stay unique), `password` (checked against the validators),
    `group_ids` (staff only: the API decides who may pass it)."""
    changes = []
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        for field in PROFILE_FIELDS:
            if field in data and getattr(customer, field) != data[field]:
                setattr(customer, field, data[field])
                changes.append(field)
        if "email" in data:
            email = normalize_email(data["email"])
            if email != customer.email:
                if Customer.objects.filter(email=email).exclude(pk=customer.pk).exists():
                    raise Conflict("That email belongs to another customer.", code="email_taken",
                                   fields={"email": ["Already registered."]})
                customer.email = email
                changes.append("email")
        if data.get("password"):
            _check_password(data["password"], customer)
            customer.set_password(data["password"])
            customer.has_account = True
            changes.append("password")
        customer.save()
        if "group_ids" in data:
            groups = list(CustomerGroup.objects.filter(pk__in=data["group_ids"] or []))
            if len(groups) != len(set(data["group_ids"] or [])):
                raise InvalidInput("Unknown customer group.", fields={"group_ids": ["Unknown customer group."]})
            customer.groups.set(groups)
            changes.append("groups")
        if changes:
            events.emit(events.CUSTOMER_UPDATED, customer.id, {
                "customer_id": customer.id, "email": customer.email, "changes": sorted(changes),
                "has_account": customer.has_account})
    return customer


def group_ids(customer: Customer | None) -> list[str]:
    if customer is None:
        return []
    return list(customer.groups.values_list("pk", flat=True))


# -- addresses -------------------------------------------------------------------------------------

def _validate_address(data: dict, partial: bool = False) -> dict:
    cleaned = {k: v for k, v in data.items() if k in ADDRESS_FIELDS}
    missing = [] if partial else [f for f in ("address_1", "city", "country_code") if not cleaned.get(f)]
    if missing:
        raise InvalidInput("The address is incomplete.", fields={f: ["This field is required."] for f in missing})
    if "country_code" in cleaned:
        code = str(cleaned["country_code"]).upper()
        if len(code) != 2 or not code.isalpha():
            raise InvalidInput("A country is a two-letter code.", fields={"country_code": ["Like SA."]})
        cleaned["country_code"] = code
    return cleaned


def add_address(customer: Customer, data: dict) -> CustomerAddress:
    cleaned = _validate_address(data)
    with transaction.atomic():
        _clear_defaults(customer, cleaned)
        return CustomerAddress.objects.create(customer=customer, **cleaned)


def update_address(customer: Customer, address_id: str, data: dict) -> CustomerAddress:
    address = get_address(customer, address_id)
    cleaned = _validate_address(data, partial=True)
    with transaction.atomic():
        _clear_defaults(customer, cleaned, exclude=address.pk)
        for field, value in cleaned.items():
            setattr(address, field, value)
        address.save()
    return address


def _clear_defaults(customer, cleaned, exclude=None):
    for flag in ("is_default_shipping", "is_default_billing"):
        if cleaned.get(flag):
            customer.addresses.exclude(pk=exclude).update(**{flag: False})


def get_address(customer: Customer, address_id: str) -> CustomerAddress:
    address = customer.addresses.filter(pk=address_id).first()
    if address is None:
        raise NotFound(f"No address {address_id}.", code="address_not_found")
    return address


def delete_address(customer: Customer, address_id: str) -> None:
    get_address(customer, address_id).delete()


# -- groups ----------------------------------------------------------------------------------------

def create_group(*, name: str, description: str = "", metadata: dict | None = None) -> CustomerGroup:
    if not (name or "").strip():
        raise InvalidInput("A group needs a name.", fields={"name": ["Required."]})
    if CustomerGroup.objects.filter(name=name.strip()).exists():
        raise Conflict("A group with this name exists.", code="group_name_taken", fields={"name": ["Already in use."]})
    return CustomerGroup.objects.create(name=name.strip(), description=description, metadata=metadata or {})


def update_group(group: CustomerGroup, data: dict) -> CustomerGroup:
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise InvalidInput("A group needs a name.", fields={"name": ["Required."]})
        if CustomerGroup.objects.filter(name=name).exclude(pk=group.pk).exists():
            raise Conflict("A group with this name exists.", code="group_name_taken", fields={"name": ["Already in use."]})
        group.name = name
    for field in ("description", "metadata"):
        if field in data:
            setattr(group, field, data[field])
    group.save()
    return group
