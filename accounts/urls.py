from django.urls import path

from accounts import oidc_views, views

app_name = "accounts"

# Sign-in and password pages keep Django's own (un-namespaced) names, which its views reverse.
sign_in_patterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", oidc_views.sign_out, name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/invitation/<str:token>/", oidc_views.invitation, name="invitation"),
    path("accounts/oidc/<str:provider>/login/", oidc_views.provider_login, name="oidc_login"),
    path("accounts/oidc/<str:provider>/callback/", oidc_views.provider_callback, name="oidc_callback"),
    path(
        "accounts/oidc/<str:provider>/backchannel-logout/",
        oidc_views.back_channel_logout,
        name="oidc_backchannel_logout",
    ),
]

urlpatterns = [
    path("account/", views.account, name="account"),
    path("staff/sign-in-checks/", views.identity_mismatches, name="identity_mismatches"),
    path("staff/<int:pk>/sign-in/", views.staff_sign_in, name="staff_sign_in"),
    path("staff/<int:pk>/sign-in/password-reset/", views.staff_password_reset, name="staff_password_reset"),
    path("staff/<int:pk>/sign-in/invite/", views.staff_invite, name="staff_invite"),
    path("organisations/<int:pk>/sign-in/", views.organisation_sign_in, name="organisation_sign_in"),
]
