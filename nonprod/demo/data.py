"""The demo city's fixed data (names, organisations, texts), read from `demo_data.json`.

The lists keep their order: the builder draws from them with one seeded random generator, so
reordering a list changes the city that is built.
"""

import json
from decimal import Decimal
from pathlib import Path

from organisations.models import Organisation, StaffMember

DATA = json.loads(Path(__file__).with_name("demo_data.json").read_text(encoding="utf-8"))

SYSTEM_ORGANISATIONS = DATA["system_organisations"]
SLT_ORGANISATIONS = DATA["slt_organisations"]
COMMUNITY_PHARMACIES = DATA["community_pharmacies"]
PCNS = DATA["pcns"]
TEAMS = DATA["teams"]
DEPLOYED = DATA["deployed"]
PHARMACIST_HOURS = DATA["pharmacist_hours"]
TECHNICIAN_HOURS = DATA["technician_hours"]
STREETS = DATA["streets"]
HOME_NAME_FIRST = DATA["home_name_first"]
HOME_NAME_LAST = DATA["home_name_last"]
PRACTICE_PATTERNS = DATA["practice_patterns"]
PRACTICE_TREES = DATA["practice_trees"]
POSTCODE_LETTERS = DATA["postcode_letters"]
FIRST_NAMES = DATA["first_names"]
LAST_NAMES = DATA["last_names"]
VISIT_ACTIVITY_CHANCES = DATA["visit_activity_chances"]
VISIT_NOTES = DATA["visit_notes"]
ESCALATIONS = DATA["escalations"]
WORKSTREAMS = DATA["workstreams"]
REQUESTS_FOR_HELP = DATA["requests_for_help"]
ACTION_PLAN = DATA["action_plan"]
ENGAGEMENT_NOTES = DATA["engagement_notes"]

# PCNs the story picks out, by their position in PCNS.
PCN_BY_LOCALITY = {pcn["locality"]: index for index, pcn in enumerate(PCNS)}
CHAPELTOWN = PCN_BY_LOCALITY["Chapeltown"]
ARMLEY = PCN_BY_LOCALITY["Armley"]
MORLEY = PCN_BY_LOCALITY["Morley"]
SEACROFT = PCN_BY_LOCALITY["Seacroft"]
MIDDLETON = PCN_BY_LOCALITY["Middleton"]
CROSS_GATES = PCN_BY_LOCALITY["Cross Gates"]
WETHERBY = PCN_BY_LOCALITY["Wetherby"]
HAREHILLS = PCN_BY_LOCALITY["Harehills"]
MOORTOWN = PCN_BY_LOCALITY["Moortown"]

Kind = Organisation.Kind
Funding = StaffMember.Funding
FUNDING_FOR_KIND = {
    Kind.ACUTE_TRUST: Funding.SECONDARY_CARE,
    Kind.MENTAL_HEALTH_TRUST: Funding.MENTAL_HEALTH,
    Kind.COMMUNITY_TRUST: Funding.COMMISSIONER,
    Kind.GP_CONFEDERATION: Funding.COMMISSIONER,
    Kind.COMMISSIONER: Funding.COMMISSIONER,
    Kind.PCN: Funding.PCN,
    Kind.GP_PRACTICE: Funding.PRACTICE,
    Kind.COMMUNITY_PHARMACY: Funding.COMMUNITY_PHARMACY,
    Kind.LPC: Funding.COMMUNITY_PHARMACY,
}


def weekly_hours(value):
    """Hours a week as the models hold them (one decimal place)."""
    return Decimal(str(value)).quantize(Decimal("0.1"))
