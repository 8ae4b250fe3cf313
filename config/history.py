"""Who changed what, when: the rows of a page's "History" section, read from django-simple-history's
records of any app's models.

    entries = history_entries(newest(home.history.all()), lambda record: "Care home details")
    # several kinds of record (a home's and its assignments') in one section, newest first:
    entries = history_merged((newest(home.history.all()), describe_home), (newest(assignments), describe))

Each entry says when, who ("The system" for the hub's own changes, with the reason it recorded),
what kind of change and, for a change, each field's label with its old and new value as people
read them (choices by their labels, dates and numbers through `config.dates.for_people`).
"""

from config.dates import for_people

HISTORY_LIMIT = 30


def newest(records, limit=HISTORY_LIMIT):
    """History records newest first, with who made them, at most `limit`."""
    return records.select_related("history_user").order_by("-history_date", "-history_id")[:limit]


def _model_field(record, name):
    try:
        return record.instance_type._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed from the model
        return None


def _shown(model_field, value):
    if model_field is not None and model_field.choices and value is not None:
        return dict(model_field.flatchoices).get(value, value)
    return for_people(value)


# Bookkeeping columns no person changes directly (a care home's list of fields changed in the hub).
BOOKKEEPING_FIELDS = frozenset({"hub_changed_fields"})


def _changes(new, old):
    """[(label, old, new)] for the fields that changed between two history records."""
    if old is None:
        return []
    rows = []
    for change in new.diff_against(old).changes:
        if change.field in BOOKKEEPING_FIELDS:
            continue
        model_field = _model_field(new, change.field)
        label = str(model_field.verbose_name).capitalize() if model_field is not None else change.field
        rows.append((label, _shown(model_field, change.old), _shown(model_field, change.new)))
    return rows


def history_entries(records, describe):
    """History rows, newest first, each with who, when, what kind of change and the fields changed."""
    records = list(records)
    previous_of = {}
    by_object = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous_of[record.history_id] = by_object.get(record.id)
        by_object[record.id] = record
    entries = []
    for record in records:
        old = previous_of.get(record.history_id)
        entries.append(
            {
                "when": record.history_date,
                "who": (record.history_user.get_full_name() or record.history_user.username)
                if record.history_user
                else "The system",
                # A change made by the hub itself (e.g. the ODS import re-aligning a home) says why.
                "what": describe(record)
                + (f" ({record.history_change_reason})" if record.history_change_reason else ""),
                "kind": {"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type],
                "changes": _changes(record, old) if record.history_type == "~" else [],
            }
        )
    return entries


def history_merged(*sources, limit=HISTORY_LIMIT):
    """One "History" section from several kinds of record (a home's and its assignments'): each
    source a pair `(records, describe)`, the entries newest first, at most `limit`."""
    entries = [entry for records, describe in sources for entry in history_entries(records, describe)]
    return sorted(entries, key=lambda e: e["when"], reverse=True)[:limit]


def save_checked(obj, *, by, reason=None):
    """Every service's write of a row: checked (`full_clean`, the messages people read), then saved
    with its history record naming `by` (and the `reason`, when one is given)."""
    obj.full_clean()
    obj._history_user = by
    if reason is not None:
        obj._change_reason = reason
    obj.save()
    return obj
