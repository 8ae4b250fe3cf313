"""The discharge pages `make bench` measures at national scale (picked up by the bench command)."""


def pages(*, home, locality):
    return {
        "/discharges/": ("pm", "/discharges/"),
        "/discharges/ (lost)": ("pm", "/discharges/?state=lost"),
        "/discharges/ (one home)": ("pm", f"/discharges/?care_home={home.pk}"),
    }
