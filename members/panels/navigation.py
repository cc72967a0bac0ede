"""Members in the top navigation: the lookup box, the member list, referrals; the dashboard under Reports."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site.navigation import NavItem, add, menu

menu("members", NavItem(pgettext_lazy("club", "Members"), "members:member-lookup", "person-vcard"), 45)
add("members", NavItem(_("Member lookup"), "members:member-lookup", "upc-scan", "members.view_member"), 10)
add("members", NavItem(pgettext_lazy("club", "Members"), "members:member-list", "people", "members.view_member"), 20)
add("members", NavItem(_("Referrals"), "members:referral-list", "person-plus", "members.view_referral"), 30)
add(
    "members",
    NavItem(pgettext_lazy("club", "Events"), "members:event-list", "calendar-event", "members.view_clubevent"),
    40,
)
add("members", NavItem(_("Redemptions"), "members:redemption-list", "gift", "members.view_redemption"), 50)
add("members", NavItem(_("Greetings"), "members:greetings", "balloon-heart", "members.view_member"), 60)
add("members", NavItem(_("Care plans"), "members:care-plan-list", "heart-pulse", "members.view_careplan"), 65)
add("members", NavItem(_("Tiers"), "members:tier-list", "award", "members.change_tier"), 70)
add("members", NavItem(_("Benefits"), "members:benefit-list", "bag-heart", "members.change_benefit"), 80)
add("members", NavItem(_("Club rules"), "members:settings-edit", "sliders", "members.change_membersettings"), 90)
# The dashboard sits in the shared Reports menu (executives and marketing).
add("reports", NavItem(_("Member dashboard"), "members:dashboard", "person-vcard", "members.view_member_dashboard"), 60)
