from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("account/api-tokens/", views.token_list, name="list"),
    path("account/api-tokens/<int:pk>/", views.token_detail, name="detail"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
