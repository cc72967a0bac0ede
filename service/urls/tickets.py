from django.urls import path

from service.views import callbacks, dashboard, tickets, units

urlpatterns = [
    path("tickets/", tickets.ticket_list, name="ticket-list"),
    path("tickets/new/", tickets.ticket_create, name="ticket-create"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/move/", tickets.ticket_move, name="ticket-move"),
    path("tickets/<int:pk>/assign/", tickets.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/note/", tickets.ticket_note, name="ticket-note"),
    path("tickets/<int:pk>/attach/", tickets.ticket_attach, name="ticket-attach"),
    path("escalations/", tickets.escalation_list, name="escalation-list"),
    path("units/<int:pk>/", units.unit_service, name="unit-service"),
    path("callbacks/", callbacks.callback_list, name="callback-list"),
    path("callbacks/<int:pk>/", callbacks.callback_detail, name="callback-detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
