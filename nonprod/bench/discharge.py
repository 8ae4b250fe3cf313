"""The discharge pages `make bench` measures at national scale: the list's first page, filtered
ones, and the dashboard's Discharges section computed afresh."""

from django.utils import timezone

from discharge.figures import discharge_figures


def pages(*, home, locality):
    week = timezone.localdate().isocalendar()
    return {
        "/discharges/": ("pm", "/discharges/"),
        "/discharges/ (filtered)": ("pm", f"/discharges/?state=open&week={week.year}-W{week.week:02d}"),
        "/discharges/ (lost)": ("pm", "/discharges/?state=lost"),
        "/discharges/ (one home)": ("pm", f"/discharges/?care_home={home.pk}"),
    }


def reads(*, home, locality):
    # What the dashboard's Discharges section computes when its figures are not cached.
    return {"dashboard Discharges section": lambda: discharge_figures(today=timezone.localdate())}
