from django.urls import path

from members.views import dashboard, events, members, referrals

urlpatterns = [
    path("", members.member_lookup, name="member-lookup"),
    path("list/", members.member_list, name="member-list"),
    path("<int:pk>/", members.member_detail, name="member-detail"),
    path("<int:pk>/adjust/", members.points_adjust, name="points-adjust"),
    path("<int:pk>/household/", members.member_household, name="member-household"),
    path("<int:pk>/refer/", members.referral_create, name="referral-create"),
    path("enrol/<int:customer_pk>/", members.member_enrol, name="member-enrol"),
    path("referrals/", referrals.referral_list, name="referral-list"),
    path("<int:pk>/redeem/", events.redeem, name="redeem"),
    path("redemptions/", events.redemption_list, name="redemption-list"),
    path("redemptions/<int:pk>/fulfil/", events.redemption_fulfil, name="redemption-fulfil"),
    path("redemptions/<int:pk>/cancel/", events.redemption_cancel, name="redemption-cancel"),
    path("events/<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("dashboard/", dashboard.member_dashboard, name="dashboard"),
    path("care/", members.greetings_list, name="greetings"),
    path("events/", events.event_list, name="event-list"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/register/", events.event_register, name="event-register"),
    path("events/<int:pk>/check-in/", events.event_check_in, name="event-check-in"),
]
