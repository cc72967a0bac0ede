"""URLs of the sales funnel pages (included by sales/urls.py under the "sales" namespace)."""

from django.urls import path

from sales.views import customfields, deals, funnel

urlpatterns = [
    path("funnel/", funnel.opportunity_board, name="opportunity-board"),
    path("funnel/report/", funnel.funnel_report, name="funnel-report"),
    path("opportunities/", funnel.opportunity_list, name="opportunity-list"),
    path("opportunities/new/", funnel.opportunity_create, name="opportunity-create"),
    path("opportunities/export/", customfields.opportunity_export, name="opportunity-export"),
    path("opportunities/<int:pk>/details/", customfields.opportunity_fields, name="opportunity-fields"),
    path("opportunities/<int:pk>/", funnel.opportunity_detail, name="opportunity-detail"),
    path("opportunities/<int:pk>/move/", funnel.opportunity_move, name="opportunity-move"),
    path("opportunities/<int:pk>/lose/", funnel.opportunity_lose, name="opportunity-lose"),
    path("deals/", deals.deal_list, name="deal-list"),
    path("deals/reserve/", deals.deal_reserve, name="deal-reserve"),
    path("deals/export/", customfields.deal_export, name="deal-export"),
    path("deals/<int:pk>/details/", customfields.deal_fields, name="deal-fields"),
    path("deals/reserve/units/", deals.deal_reserve_units, name="deal-reserve-units"),
    path("deals/approvals/", deals.approval_list, name="approval-list"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/subscribe/", deals.deal_subscribe, name="deal-subscribe"),
    path("deals/<int:pk>/contract/", deals.deal_contract, name="deal-contract"),
    path("deals/<int:pk>/approve/", deals.deal_approve, name="deal-approve"),
    path("deals/<int:pk>/cancel/", deals.deal_cancel, name="deal-cancel"),
    path("deals/<int:pk>/deliver/", deals.deal_deliver, name="deal-deliver"),
]
