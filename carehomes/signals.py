"""Hooks carehomes offers to the apps above it (which carehomes never imports).

`visit_logged` is sent once a newly logged visit has committed (sender=Visit, `visit=`, `by=`):
discharge closes onward medication reviews from it.
"""

from django.dispatch import Signal

visit_logged = Signal()
