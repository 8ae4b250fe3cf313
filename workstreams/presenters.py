"""Display helpers for workstreams, requests for help, offers and PCN engagement."""

from config.presenters import hours as hours_text

_COLOURS = {
    # requests for help
    "open": "blue",
    "offered": "purple",
    "met": "green",
    "withdrawn": "grey",
    "expired": "grey",
    # offers
    "accepted": "green",
    "declined": "grey",
    # workstreams
    "proposed": "blue",
    "active": "green",
    "paused": "orange",
    "complete": "grey",
    # PCN engagement
    "engaged": "green",
    "hesitant": "orange",
    "not_engaged": "red",
    # urgency
    "urgent": "red",
    "soon": "orange",
    "routine": "grey",
}


def status_tag(value, label=None):
    """NHS.UK tag parameters for a status, urgency or engagement value."""
    text = label or (value or "none").replace("_", " ").capitalize()
    return {"text": text, "classes": f"nhsuk-tag--{_COLOURS.get(value, 'grey')}"}


def fair_share_sentence(share):
    """The fair-share formula in words, with this PCN's numbers."""
    if share is None:
        return ""
    if not share.all_beds:
        return "No care homes are aligned to any PCN yet, so there is no fair share to compare against."
    return (
        f"Fair share = this PCN's beds ({share.pcn_beds}) ÷ beds in all PCN-aligned care homes "
        f"({share.all_beds}) × hours committed by all PCNs ({hours_text(share.all_committed)}) "
        f"= {hours_text(share.hours)} hours a week."
    )


CONTEXT = {"status_tag": status_tag, "fair_share_sentence": fair_share_sentence}
