from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

# Sign-in and password pages keep Django's own (un-namespaced) names, which its views reverse.
sign_in_patterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]

urlpatterns = [
    path("account/", views.account, name="account"),
    path("staff/<int:pk>/sign-in/", views.staff_sign_in, name="staff_sign_in"),
    path("staff/<int:pk>/sign-in/password-reset/", views.staff_password_reset, name="staff_password_reset"),
]
