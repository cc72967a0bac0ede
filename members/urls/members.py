from django.urls import path

from members.views import members, referrals

urlpatterns = [
    path("", members.member_lookup, name="member-lookup"),
    path("list/", members.member_list, name="member-list"),
    path("<int:pk>/", members.member_detail, name="member-detail"),
    path("<int:pk>/adjust/", members.points_adjust, name="points-adjust"),
    path("<int:pk>/refer/", members.referral_create, name="referral-create"),
    path("enrol/<int:customer_pk>/", members.member_enrol, name="member-enrol"),
    path("referrals/", referrals.referral_list, name="referral-list"),
]
