from django.urls import path

from service.views import certificates, status

urlpatterns = [
    path("certificates/", certificates.certificate_board, name="certificate-board"),
    path("certificates/export/", certificates.certificate_export, name="certificate-export"),
    path("certificates/building-move/", certificates.building_move, name="certificate-building-move"),
    path(
        "certificates/first-registration/",
        certificates.building_first_registration,
        name="certificate-first-registration",
    ),
    path("certificates/<int:pk>/", certificates.certificate_detail, name="certificate-detail"),
    path("certificates/<int:pk>/letter/", status.certificate_letter, name="certificate-letter"),
    path("certificates/<int:pk>/letter/send/", certificates.certificate_letter_send, name="certificate-letter-send"),
]
