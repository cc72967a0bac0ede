from django.urls import path

from analytics.views import builder

urlpatterns = [
    path("builder/", builder.builder_list, name="builder-list"),
    path("builder/new/", builder.builder, name="builder"),
    path("builder/save/", builder.builder_save, name="builder-save"),
    path("builder/<int:pk>/", builder.builder_run, name="builder-run"),
    path("builder/<int:pk>/delete/", builder.builder_delete, name="builder-delete"),
    path("builder/<int:pk>/schedule/", builder.schedule_report, name="builder-schedule"),
    path("builder/dashboard/<slug:kind>/schedule/", builder.schedule_dashboard, name="dashboard-schedule"),
    path("builder/schedules/<int:pk>/delete/", builder.schedule_delete, name="schedule-delete"),
]
