"""Marketing consent: the unsubscribe link every marketing e-mail carries, and a record of every change.

The link holds a signed token (django.core.signing, salted) naming the customer and the message; it needs no
login. A changed character makes it invalid; using it again changes nothing. Withdrawing is immediate: the flag
on the customer file, a ConsentChange row (who, when, how, which message) and an audit entry, in one transaction;
marketing messages still queued for the customer are cancelled when their turn comes.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm_site import audit
from crm_site.models import AuditEntry
from customers.models import Customer
from outreach.models import ConsentChange, Message

SALT = "outreach.unsubscribe"


def unsubscribe_token(*, customer_id: int, message_id: int | None = None, language: str = "en") -> str:
    return signing.Signer(salt=SALT).sign_object({"c": customer_id, "m": message_id, "l": language})


def unsubscribe_url(message: Message) -> str:
    token = unsubscribe_token(customer_id=message.customer_id, message_id=message.pk, language=message.language)
    return settings.SITE_URL + reverse("outreach-unsubscribe", args=[token])


def read_token(token: str) -> dict | None:
    """The token's {"c": customer id, "m": message id, "l": language}, or None when it is not one we signed."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    return data


def consent_withdraw(*, customer: Customer, how: str, by=None, message: Message | None = None, note: str = "") -> bool:
    """Withdraw `customer`'s marketing consent now; False (and nothing written) when it was already withdrawn."""
    return _consent_set(customer=customer, granted=False, how=how, by=by, message=message, note=note)


def consent_give(*, customer: Customer, how: str, by=None, note: str = "") -> bool:
    """Record that `customer` consents to marketing (given in person, on a form, through the API)."""
    return _consent_set(customer=customer, granted=True, how=how, by=by, note=note)


@transaction.atomic
def _consent_set(*, customer: Customer, granted: bool, how: str, by, message=None, note: str = "") -> bool:
    """One conditional update decides (a second click, a reused link: nothing to do), then the record and audit."""
    changed = Customer.objects.filter(pk=customer.pk, marketing_consent=not granted).update(
        marketing_consent=granted, updated_at=timezone.now()
    )
    if not changed:
        return False
    customer.marketing_consent = granted
    ConsentChange.objects.create(customer=customer, granted=granted, how=how, by=by, message=message, note=note[:300])
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=customer,
        changes={"marketing_consent": [not granted, granted]},
        reason=str(ConsentChange.How(how).label) + (f" ({note})" if note else ""),
    )
    return True


def unsubscribe(*, token: str) -> tuple[Customer | None, bool]:
    """(customer, withdrawn now) for an unsubscribe token; (None, False) for a token we did not sign."""
    data = read_token(token)
    if data is None:
        return None, False
    customer = Customer.objects.filter(pk=data["c"]).first()
    if customer is None:
        return None, False
    message_id = data.get("m")
    message = Message.objects.filter(pk=message_id, customer=customer).first() if isinstance(message_id, int) else None
    withdrawn = consent_withdraw(customer=customer, how=ConsentChange.How.UNSUBSCRIBE, message=message)
    return customer, withdrawn


def record_file_change(*, customer: Customer, granted: bool, by=None) -> ConsentChange:
    """A consent change made by editing the customer file (its history already holds the audit entry)."""
    return ConsentChange.objects.create(customer=customer, granted=granted, how=ConsentChange.How.FILE, by=by)
