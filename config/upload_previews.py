"""An upload shown as a preview, then confirmed: what was uploaded waits for the confirm step in the
cache under a random token, for the person who uploaded it only, for an hour. Every import page
that previews (the CQC register, staff lists, ODS files, a trust's discharges) keeps it here."""

import uuid

from django.core.cache import cache

PREVIEW_SECONDS = 60 * 60


def preview_keep(kind, *, user, **upload):
    """Keep what `user` uploaded of this `kind` until they confirm it; the token the page posts back."""
    token = uuid.uuid4().hex
    cache.set(f"upload-preview:{kind}:{token}", upload | {"user": user.pk}, PREVIEW_SECONDS)
    return token


def preview_kept(kind, token, *, user):
    """What `preview_keep` kept under `token` for this user, or None: expired, never made, a forged
    token, or someone else's upload."""
    if not (token.isalnum() and len(token) <= 64):
        return None
    upload = cache.get(f"upload-preview:{kind}:{token}")
    if not upload or upload.get("user") != user.pk:
        return None
    return upload


def preview_forget(kind, token):
    """The upload was imported: its token cannot be confirmed twice."""
    cache.delete(f"upload-preview:{kind}:{token}")
