from django.urls import include, path

from customers.views import files, ownership

app_name = "customers"

urlpatterns = [
    path("", files.customer_list, name="customer-list"),
    path("new/", files.customer_create, name="customer-create"),
    path("<int:pk>/", files.customer_detail, name="customer-detail"),
    path("<int:pk>/edit/", files.customer_edit, name="customer-edit"),
    path("bulk/", files.customer_bulk, name="customer-bulk"),
    path("filters/save/", files.filter_save, name="filter-save"),
    path("filters/<int:pk>/delete/", files.filter_delete, name="filter-delete"),
    path("<int:pk>/interactions/new/", files.interaction_create, name="interaction-create"),
    path("<int:pk>/intent/new/", files.intent_create, name="intent-create"),
    path("<int:pk>/members/new/", files.member_create, name="member-create"),
    path("<int:pk>/phones/new/", files.phone_create, name="phone-create"),
    path("<int:pk>/timeline/", files.customer_timeline, name="customer-timeline"),
    path("<int:pk>/visits/new/", files.visit_quick, name="visit-quick"),
    path("<int:pk>/forms/<slug:kind>/", files.quick_form, name="quick-form"),
    path("<int:pk>/merge/", ownership.customer_merge, name="customer-merge"),
    path("<int:pk>/key-account/", ownership.key_account, name="key-account"),
    path("conflicts/", ownership.conflict_list, name="conflict-list"),
    path("conflicts/<int:pk>/", ownership.conflict_detail, name="conflict-detail"),
    path("pool/", ownership.pool_list, name="pool-list"),
    path("pool/<int:pk>/claim/", ownership.pool_claim, name="pool-claim"),
    path("handover/", ownership.handover, name="handover"),
    path("import/", include("customers.urls.imports")),
    path("inquiries/", include("customers.urls.inquiries")),
    path("visits/", include("customers.urls.visits")),
]
