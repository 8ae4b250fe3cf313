"""The hub's roles by the names of their Django groups (made by a data migration; what each may
do is in `organisations.access`). Names only, so that the models and the access rules can both
read them without importing each other."""

SLT = "SLT member"
PROJECT_MANAGER = "Project manager"
PHARMACY_PROFESSIONAL = "Pharmacy professional"
ORGANISATION_LEAD = "Organisation lead"
TRUST_DISCHARGE_TEAM = "Trust discharge team"
COMMUNITY_PHARMACY = "Community pharmacy"
ROLES = (
    SLT,
    PROJECT_MANAGER,
    PHARMACY_PROFESSIONAL,
    ORGANISATION_LEAD,
    TRUST_DISCHARGE_TEAM,
    COMMUNITY_PHARMACY,
)
# Staff in these roles give no care-home hours: kept out of deployment figures and assignment pickers.
NON_DEPLOYED_ROLES = (TRUST_DISCHARGE_TEAM, COMMUNITY_PHARMACY)
