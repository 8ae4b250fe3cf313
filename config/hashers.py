"""The hub's password hasher: Argon2id at the cost OWASP recommends (see docs/adr/0007).

Django's own `Argon2PasswordHasher` defaults to 100 MiB and 8 lanes, about a fifth of a second
of CPU per sign-in on this project's two cores; 50 people signing in at once would queue for
seconds. OWASP's Password Storage Cheat Sheet lists equivalent Argon2id settings; this one
(19 MiB, 2 passes, 1 lane) is its first, and costs about 20 ms of CPU.
Changing these numbers re-hashes each password at its owner's next sign-in (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class HubArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP's minimum configuration, November 2026)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
