"""The leadership teams, and the project manager's Imports page. Thin: parse, call, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import answer_write
from config.pagination import paginate
from config.rendering import found_or_404, redirect_with_notice, render_confirm
from config.upload_previews import preview_forget, preview_keep, preview_kept
from organisations import ods_files, selectors, services
from organisations.access import may, require, requires
from organisations.forms import MembershipForm, OdsConfirmForm, OdsUploadForm, TrustKindForm
from organisations.models import ImportRun, Membership, Team
from organisations.people_lookup import person_lookup_answer
from organisations.permissions import Permission

IMPORT_RUNS_PER_PAGE = 25
ODS_UPLOAD_TITLE = "Upload the month's ODS files"


@requires(Permission.VIEW_TEAM)
def team_list(request):
    return render(
        request, "organisations/team_list.jinja", {"page_title": "Teams", "teams": selectors.team_list()}
    )


@requires(Permission.VIEW_TEAM)
def team_detail(request, pk, form=None):
    team = found_or_404(selectors.team_detail, pk)
    roles = _roles_they_may_seat(request.user, team)
    may_manage = bool(roles)
    return render(
        request,
        "organisations/team_detail.jinja",
        {
            "page_title": team.name,
            "team": team,
            "may_manage": may_manage,
            "seat_roles": roles,
            "form": form or (MembershipForm(team=team, roles=roles) if may_manage else None),
        },
        status=400 if form is not None else 200,
    )


def _roles_they_may_seat(user, team):
    """The seats on this team the user may give: the PM ordinary seats, an SLT member (or a
    superuser) the seats that grant the SLT or project manager role."""
    return [
        role
        for role in Membership.Role.values
        if may(user, services.membership_permission(team=team, role=role))
        and (team.kind == Team.Kind.OPERATIONAL or role != Membership.Role.PROJECT_MANAGER)
    ]


@require_POST
@requires(Permission.VIEW_TEAM)
def membership_add(request, pk):
    team = get_object_or_404(Team, pk=pk)
    roles = _roles_they_may_seat(request.user, team)
    if not roles:
        raise PermissionDenied
    form = MembershipForm(request.POST, team=team)  # every seat parses; the service says who may give it
    return answer_write(
        form,
        lambda data: services.membership_create(
            by=request.user,
            team=team,
            staff=data["staff"],
            organisation=data["organisation"] or data["staff"].organisation,
            role=data["role"],
        ),
        done=lambda membership: redirect_with_notice(
            request, f"{membership.staff.name} added to the {team.name}.", "teams:detail", pk=pk
        ),
        refused=lambda: team_detail(request, pk, form=form),
    )


@require_GET
@requires(Permission.VIEW_TEAM)
def member_lookup(request, pk):
    """The team form's "Person" look-up (past a city's size): active staff not on the team, for
    someone who may give a seat on it (the PM ordinary seats, an SLT member any) and no one else."""
    team = get_object_or_404(Team, pk=pk)
    if not _roles_they_may_seat(request.user, team):
        raise PermissionDenied
    return person_lookup_answer(request, selectors.membership_candidates(team))


@require_http_methods(["GET", "POST"])
@requires(Permission.VIEW_TEAM)
def membership_end(request, pk):
    """ "Remove … from the team?" (GET), then the removal (POST). An SLT or project manager seat is
    removed only by an SLT member or a superuser; other seats by the PM."""
    membership = get_object_or_404(selectors.memberships(), pk=pk)
    require(request.user, services.membership_end_permission(membership))
    if request.method == "GET":
        return render_confirm(
            request,
            question=f"Remove {membership.staff.name} from the {membership.team.name}?",
            rows=[("Role on the team", membership.get_role_display())],
            happens=[
                f"{membership.staff.name} is no longer listed on the {membership.team.name}.",
                "If this team is what gives them their role in the hub, they lose that role and the pages "
                "that come with it (another team that gives the same role keeps it).",
                "To put them back, add them to the team again.",
            ],
            button="Remove from the team",
            keep_text="Keep them on the team",
            back=reverse("teams:detail", args=[membership.team_id]),
        )
    services.membership_end(by=request.user, membership=membership)
    messages.success(request, f"{membership.staff.name} is no longer on the {membership.team.name}.")
    return redirect("teams:detail", pk=membership.team_id)


@requires(Permission.VIEW_IMPORTRUN)
def import_list(request):
    page, pagination = paginate(request, selectors.import_run_list(), per_page=IMPORT_RUNS_PER_PAGE)
    return render(
        request,
        "organisations/import_list.jinja",
        {
            "page_title": "Imports",
            "page": page,
            "pagination": pagination,
            "runs": list(page.object_list),
            "trusts": list(selectors.trusts_needing_kind()),
        },
    )


@requires(Permission.VIEW_IMPORTRUN)
def import_detail(request, pk):
    run = found_or_404(selectors.import_run_detail, pk)
    return render(
        request, "organisations/import_detail.jinja", {"page_title": f"Import run {run.pk}", "run": run}
    )


@requires(Permission.CHANGE_ORGANISATION)
def trust_kind(request, pk):
    trust = found_or_404(selectors.trust_needing_kind, pk)
    form = TrustKindForm(request.POST if request.method == "POST" else None, initial={"kind": trust.kind})

    def done(_):
        trust.refresh_from_db()
        return redirect_with_notice(
            request, f"{trust.name} is now recorded as: {trust.get_kind_display()}.", "imports:list"
        )

    return answer_write(
        form,
        lambda data: services.trust_kind_choose(by=request.user, organisation=trust, kind=data["kind"]),
        done=done,
        refused=lambda: render(
            request,
            "organisations/trust_kind.jinja",
            {"page_title": f"Choose the kind of {trust.name}", "trust": trust, "form": form},
            status=400 if form.errors else 200,
        ),
    )


def _ods_upload_page(request, *, form=None, outcome=None, token=None, confirm_form=None, status=200):
    return render(
        request,
        "organisations/ods_upload.jinja",
        {
            "page_title": ODS_UPLOAD_TITLE + (": check what would change" if outcome else ""),
            "form": form if form is not None else OdsUploadForm(),
            "outcome": outcome,
            "token": token,
            "confirm_form": confirm_form or OdsConfirmForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires(Permission.IMPORT_ODS)
def ods_upload(request):
    """Upload a month's ODS files and see what they would change: nothing is saved yet."""
    if request.method != "POST":
        return _ods_upload_page(request)
    form = OdsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ods_upload_page(request, form=form, status=400)
    files = [(upload.name, upload.read(ods_files.MAX_BYTES + 1)) for upload in form.cleaned_data["file"]]
    try:
        outcome = services.ods_upload_preview(by=request.user, files=files)
    except ods_files.OdsFileError as error:
        form.add_error("file", str(error))
        return _ods_upload_page(request, form=form, status=400)
    token = preview_keep("ods", user=request.user, files=files)
    return _ods_upload_page(request, outcome=outcome, token=token)


@require_POST
@requires(Permission.IMPORT_ODS)
def ods_upload_confirm(request):
    """Import the files previewed, in one transaction, and record the run."""
    token = request.POST.get("token", "")
    stored = preview_kept("ods", token, user=request.user)
    if stored is None:
        messages.error(request, "That preview has expired. Upload the files again.")
        return redirect("imports:ods_upload")
    confirm_form = OdsConfirmForm(request.POST)
    confirm_form.is_valid()
    skip = confirm_form.cleaned_data.get("skip_bad_rows", False)
    try:
        outcome, run = services.ods_import(
            by=request.user, files=stored["files"], via=ImportRun.Via.UPLOAD, skip_bad_rows=skip
        )
    except ods_files.OdsFileError as error:
        messages.error(request, str(error))
        return redirect("imports:ods_upload")
    if run is None:
        confirm_form.add_error(
            "skip_bad_rows",
            "The files have rows with errors, so nothing was imported. Correct the files and upload them "
            "again, or choose to leave out the rows with errors.",
        )
        return _ods_upload_page(request, outcome=outcome, token=token, confirm_form=confirm_form, status=400)
    preview_forget("ods", token)
    s = outcome.summary()
    text = f"ODS files imported: {s['created']} created, {s['updated']} updated, {s['closed']} closed"
    if s["errors"]:
        text += f"; {s['errors']} row{'s' if s['errors'] != 1 else ''} with errors left out"
    messages.success(request, text + ".")
    return redirect("imports:detail", pk=run.pk)
