from django.urls import include, path

from organisations import views

team_patterns = (
    [
        path("", views.team_list, name="list"),
        path("<int:pk>/", views.team_detail, name="detail"),
    ],
    "teams",
)

urlpatterns = [path("teams/", include(team_patterns))]
