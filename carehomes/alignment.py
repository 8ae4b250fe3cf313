"""Care homes follow their GP practice into its new PCN when the ODS import moves the practice.

organisations sends `practices_moved_pcn` (it cannot know about care homes: the arrows point
one way); this receiver, connected in `CarehomesConfig.ready`, moves the homes and answers with
what it moved, which the import keeps on its run for the project manager's Imports page.
"""

from simple_history.utils import bulk_update_with_history

from carehomes.hours_state import organisation_hours_refresh
from carehomes.models import CareHome

REASON = "ODS import: its GP practice moved to another PCN"


def care_homes_follow_practices(sender, *, moves, by=None, **kwargs):
    """Align every home of a moved practice to the practice's new PCN; one query to read them."""
    new_pcn_for = {practice.pk: (practice, new_pcn) for practice, _old, new_pcn in moves if new_pcn}
    if not new_pcn_for:
        return []
    changed, answer, pcns = [], [], set()
    homes = CareHome.objects.filter(practice_id__in=list(new_pcn_for)).select_related("pcn").order_by("name")
    for home in homes:
        practice, new_pcn = new_pcn_for[home.practice_id]
        if home.pcn_id == new_pcn.pk:
            continue
        answer.append(
            {
                "care_home_id": home.pk,
                "care_home": home.name,
                "practice": practice.name,
                "practice_code": practice.ods_code,
                "old_pcn": home.pcn.name if home.pcn else "",
                "new_pcn": new_pcn.name,
                "new_pcn_code": new_pcn.ods_code,
            }
        )
        pcns |= {home.pcn_id, new_pcn.pk}
        home.pcn = new_pcn
        changed.append(home)
    if changed:
        bulk_update_with_history(
            changed, CareHome, ["pcn"], batch_size=500, default_user=by, default_change_reason=REASON
        )
        # A bulk update skips model signals: the PCNs' kept totals (homes aligned, hours in them) now.
        organisation_hours_refresh(organisation_ids=pcns)
    return answer
