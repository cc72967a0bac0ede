"""Hooks of channel partners and marketing into the rest of the CRM (imported at start-up by sales/apps.py).

- A customer file created for a number a partner holds a live registration on is linked to that registration
  and gets source "agent": receivers on Customer (pre_save/post_save, because customer_create writes its phone
  rows with bulk_create, which sends no signals) and on CustomerPhone (numbers added later). The customers
  app does not import sales; sales listens.
- A deal reaching contract creates the partner's commission: a post_save receiver on Deal, so the funnel's
  services need not know about partners.
- The deal page shows the commission; the customer timeline shows registrations, competitor moves and the
  campaign that brought the customer.
"""

from django.db.models import CharField, F, Value
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from customers.models import Customer, CustomerPhone
from customers.selectors import TimelineEvent, timeline_register
from sales import sections as deal_sections
from sales.models import CampaignLead, Commission, CompetitorMove, Deal, PartnerRegistration
from sales.selectors.footprint import sales_footprint
from sales.services import partners as services


@receiver(pre_save, sender=Customer, dispatch_uid="partners_customer_source")
def customer_source_from_registration(sender, instance, raw=False, **kwargs):
    """A new file for a partner-registered number came through the agent channel."""
    if raw or not instance._state.adding or not instance.phone:
        return
    if services.protected_registration_for(instance.phone) is not None:
        instance.source = Customer.Source.AGENT


@receiver(post_save, sender=Customer, dispatch_uid="partners_customer_link")
def customer_link_registration(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.phone:
        services.registration_link_customer(customer=instance, by=getattr(instance, "_history_user", None), phones=[])


@receiver(post_save, sender=CustomerPhone, dispatch_uid="partners_phone_link")
def phone_link_registration(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.registration_link_customer(customer=instance.customer, phones=[instance.number])


@receiver(post_save, sender=Deal, dispatch_uid="partners_deal_commission")
def deal_commission(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.stage == Deal.Stage.CONTRACT and instance.state == Deal.State.LIVE:
        services.commission_for_deal(deal=instance, by=getattr(instance, "_history_user", None))


# --- the deal page and the customer timeline -----------------------------------------------------------------


def commission_section(deal, user):
    if not user.has_perm("sales.view_commission"):
        return None
    commission = Commission.objects.select_related("partner", "registration").filter(deal=deal).first()
    if commission is None:
        return None
    return {"commission": commission}


deal_sections.register("commission", "sales/commission_deal_section.html", commission_section, order=80)


def _marketing_events(customer, limit):
    """Partner registrations, competitor moves and the campaign lead of `customer`, in one query (a UNION):
    the customer page has a query budget and every part of the CRM adds to its timeline."""
    if not (sales_footprint(customer).marketing):
        return []
    text = CharField()
    columns = ("ev_when", "ev_kind", "ev_name", "ev_code", "ev_note", "ev_ref")

    def events_of(queryset, **expressions):
        return queryset.order_by().annotate(**expressions).values_list(*columns)

    registrations = events_of(
        PartnerRegistration.objects.filter(customer=customer),
        ev_when=F("registered_at"),
        ev_kind=Value("partner", text),
        ev_name=F("partner__name"),
        ev_code=F("status"),
        ev_note=Value("", text),
        ev_ref=F("pk"),
    )
    moves = events_of(
        CompetitorMove.objects.filter(customer=customer),
        ev_when=F("at"),
        ev_kind=Value("competitor", text),
        ev_name=F("competitor__name"),
        ev_code=F("direction"),
        ev_note=F("note"),
        ev_ref=F("pk"),
    )
    leads = events_of(
        CampaignLead.objects.filter(customer=customer),
        ev_when=F("at"),
        ev_kind=Value("campaign", text),
        ev_name=F("campaign__name"),
        ev_code=Value("", text),
        ev_note=Value("", text),
        ev_ref=F("campaign_id"),
    )
    rows = registrations.union(moves, leads, all=True).order_by("-ev_when")[:limit]
    statuses = dict(PartnerRegistration.Status.choices)
    directions = dict(CompetitorMove.Direction.choices)
    events = []
    for when, kind, name, code, note, ref in rows:
        if kind == "partner":
            title = _("Registered by partner %(partner)s") % {"partner": name}
            events.append(TimelineEvent(when=when, kind=kind, title=title, detail=str(statuses.get(code, code))))
        elif kind == "competitor":
            events.append(
                TimelineEvent(when=when, kind=kind, title=f"{directions.get(code, code)} {name}", detail=note)
            )
        else:
            title = _("Brought by campaign %(campaign)s") % {"campaign": name}
            url = reverse("sales:campaign-detail", args=[ref])
            events.append(TimelineEvent(when=when, kind=kind, title=title, url=url))
    return events


timeline_register(_marketing_events)
