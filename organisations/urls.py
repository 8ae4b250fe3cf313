from django.urls import include, path

from organisations import views

team_patterns = (
    [
        path("", views.team_list, name="list"),
        path("<int:pk>/", views.team_detail, name="detail"),
        path("<int:pk>/members/", views.membership_add, name="membership_add"),
        path("members/<int:pk>/end/", views.membership_end, name="membership_end"),
    ],
    "teams",
)

urlpatterns = [path("teams/", include(team_patterns))]
