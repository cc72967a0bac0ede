from django.urls import path

from analytics.views import insights

urlpatterns = [
    path("forecasts/", insights.forecasts, name="forecasts"),
    path("product/", insights.product, name="product"),
    path("quality/", insights.quality, name="quality"),
    path("marketing/", insights.marketing, name="marketing"),
]
