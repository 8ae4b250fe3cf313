"""Every permission the hub checks, named once.

        require(user, Permission.CHANGE_VISIT, visit)

Each value is the "app_label.codename" string Django and django-rules use, so a member can be
passed wherever a permission name is expected; a misspelt member is an AttributeError at import
time, not a silent 403. Rules for each permission live in its app's `rules.py`; which role's
group carries which model permission is `organisations.access.GROUP_PERMISSIONS`. New apps add
their members here (docs/architecture.md, "Permissions").
"""

from enum import StrEnum


class Permission(StrEnum):
    # organisations
    ADD_ENGAGEMENTNOTE = "organisations.add_engagementnote"
    ADD_MEMBERSHIP = "organisations.add_membership"
    ADD_ORGANISATION = "organisations.add_organisation"
    ADD_STAFFMEMBER = "organisations.add_staffmember"
    CHANGE_MEMBERSHIP = "organisations.change_membership"
    CHANGE_ORGANISATION = "organisations.change_organisation"
    CHANGE_STAFFMEMBER = "organisations.change_staffmember"
    IMPORT_ODS = "organisations.import_ods"
    LEAD_ORGANISATION = "organisations.lead_organisation"
    # A seat that grants the SLT or project manager role: a superuser or an SLT member, never the PM.
    SEAT_LEADERSHIP = "organisations.seat_leadership"
    VIEW_ENGAGEMENTNOTE = "organisations.view_engagementnote"
    VIEW_HISTORY = "organisations.view_history"
    VIEW_IMPORTRUN = "organisations.view_importrun"
    VIEW_MEMBERSHIP = "organisations.view_membership"
    VIEW_ORGANISATION = "organisations.view_organisation"
    VIEW_ORGANISATION_STAFF = "organisations.view_organisation_staff"
    VIEW_STAFFMEMBER = "organisations.view_staffmember"
    VIEW_TEAM = "organisations.view_team"

    # accounts
    INVITE = "accounts.invite"
    RESET_PASSWORD = "accounts.reset_password"
    VIEW_SIGN_IN = "accounts.view_sign_in"

    # carehomes
    ADD_ASSIGNMENT = "carehomes.add_assignment"
    ADD_CAREHOME = "carehomes.add_carehome"
    ADD_VISIT = "carehomes.add_visit"
    CHANGE_ASSIGNMENT = "carehomes.change_assignment"
    CHANGE_CAREHOME = "carehomes.change_carehome"
    CHANGE_VISIT = "carehomes.change_visit"
    IMPORT_CAREHOMES = "carehomes.import_carehomes"
    IMPORT_STAFF = "carehomes.import_staff"
    LIST_VISITS = "carehomes.list_visits"
    VIEW_ASSIGNMENT = "carehomes.view_assignment"
    VIEW_CAREHOME = "carehomes.view_carehome"
    VIEW_MY_CARE_HOMES = "carehomes.view_my_care_homes"
    VIEW_STAFF = "carehomes.view_staff"
    VIEW_VISIT = "carehomes.view_visit"

    # workstreams
    ACCEPT_SUPPORTOFFER = "workstreams.accept_supportoffer"
    ADD_SUPPORTOFFER = "workstreams.add_supportoffer"
    ADD_SUPPORTREQUEST = "workstreams.add_supportrequest"
    ADD_WORKSTREAM = "workstreams.add_workstream"
    CHANGE_SUPPORTOFFER = "workstreams.change_supportoffer"
    CHANGE_SUPPORTREQUEST = "workstreams.change_supportrequest"
    CHANGE_WORKSTREAM = "workstreams.change_workstream"
    VIEW_MY_ORGANISATION = "workstreams.view_my_organisation"
    VIEW_SUPPORTREQUEST = "workstreams.view_supportrequest"
    VIEW_WORKSTREAM = "workstreams.view_workstream"

    # discharge
    ADD_DISCHARGEFOLLOWUP = "discharge.add_dischargefollowup"
    CHANGE_DISCHARGEFOLLOWUP = "discharge.change_dischargefollowup"
    CHANGE_OPENING_HOURS = "discharge.change_opening_hours"
    CLOSE_ONWARD_REFERRAL = "discharge.close_onward_referral"
    LIST_FOLLOWUPS = "discharge.list_followups"
    LIST_REPORTS = "discharge.list_reports"
    MERGE_FOLLOWUP = "discharge.merge_followup"
    REOPEN_FOLLOWUP = "discharge.reopen_followup"
    REPORT_READMISSION = "discharge.report_readmission"
    UPLOAD_FOLLOWUPS = "discharge.upload_followups"
    VIEW_DISCHARGEFOLLOWUP = "discharge.view_dischargefollowup"
    VIEW_REPORT = "discharge.view_report"
    WORK_FOLLOWUP = "discharge.work_followup"

    # actionplan
    ADD_ACTION = "actionplan.add_action"
    ADD_ACTIONUPDATE = "actionplan.add_actionupdate"
    ADD_GAPREPORT = "actionplan.add_gapreport"
    ADD_MEETING = "actionplan.add_meeting"
    ADD_SECTION = "actionplan.add_section"
    CHANGE_ACTION = "actionplan.change_action"
    EXPORT_ACTION_PLAN = "actionplan.export_action_plan"
    VIEW_ACTION = "actionplan.view_action"
    VIEW_GAPREPORT = "actionplan.view_gapreport"

    # dashboard
    VIEW_DASHBOARD = "dashboard.view_dashboard"
    VIEW_GAPS = "dashboard.view_gaps"

    # api
    ADD_APITOKEN = "api.add_apitoken"
    ADD_SERVICE_TOKEN = "api.add_service_token"
    CHANGE_APITOKEN = "api.change_apitoken"
    LIST_APITOKENS = "api.list_apitokens"
    VIEW_APITOKEN = "api.view_apitoken"
