from django.apps import AppConfig


class HubConfig(AppConfig):
    """The project's own wiring: security event receivers and the cached figures' freshness."""

    name = "config"
    verbose_name = "Care Home Pharmacy Hub"

    def ready(self):
        from django.core.signals import request_finished
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from config import security  # noqa: F401 - connects the signal receivers
        from config.freshness import on_domain_write
        from config.mail import send_due_after_request

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(on_domain_write, dispatch_uid=f"hub_freshness_{signal}")
        # The embedded default sends e-mail that failed before, once due, after a request (ADR 0013).
        request_finished.connect(send_due_after_request, dispatch_uid="hub_send_due_email")
