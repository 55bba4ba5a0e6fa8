"""Staff roles, the patient group and the clinical review workflow.

Editors write and submit; clinical reviewers approve, which publishes the page and
records the review (careguide.library.review.publish_reviewed). Editors cannot publish.
Patients register on the public site and belong to the Patients group, which carries no
permissions: a patient never reaches the admin.

Care-team staff (nurses, oncologists) are members of a care team (careguide.careteam) with a
role; the Nurses and Oncologists groups mirror those roles so that an administrator sees them
on the Users screen. The groups carry no permissions: care-team staff work on the public site
(/care-team/), not in the admin, and what patient data they see follows from their team
memberships alone (careguide.careteam.scoping), never from a group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from careguide.library.models import HomePage

EDITORS = "Editors"
REVIEWERS = "Clinical reviewers"
PATIENTS = "Patients"
NURSES = "Nurses"
ONCOLOGISTS = "Oncologists"
# Doctors outside Cancer Care (a patient's personal physician) who refer patients to it. They
# see the referrals they made and those referrals' appointments, nothing else of a patient.
PRIMARY_CARE = "Primary-care clinicians"
# Membership.role -> the group that mirrors it.
CARE_TEAM_GROUPS = {"nurse": NURSES, "oncologist": ONCOLOGISTS}
WORKFLOW_NAME = "Clinical review"
TASK_NAME = "Clinical reviewer approval"


def _perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _grant_pages(group: Group, page: Page, codenames: list[str]) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_perm(codename))


@transaction.atomic
def ensure_roles() -> tuple[Group, Group]:
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    for name in (*CARE_TEAM_GROUPS.values(), PRIMARY_CARE):
        Group.objects.get_or_create(name=name)
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in (editors, reviewers):
        group.permissions.add(admin_access)
    # Snippets: glossary terms and side effects are content too.
    snippet_perms = Permission.objects.filter(
        content_type__app_label="library",
        codename__in=[f"{action}_{model}" for action in ("add", "change", "view")
                      for model in ("glossaryterm", "sideeffect")],
    )
    for group in (editors, reviewers):
        group.permissions.add(*snippet_perms)
    # Search synonyms are editors' data too (content/search/synonyms.yaml, the admin).
    search_perms = Permission.objects.filter(
        content_type__app_label="careguide_search",
        codename__in=[f"{action}_synonym" for action in ("add", "change", "delete", "view")],
    )
    for group in (editors, reviewers):
        group.permissions.add(*search_perms)
    home = HomePage.objects.first()
    if home is not None:
        _grant_pages(editors, home, ["add_page", "change_page"])
        _grant_pages(reviewers, home, ["add_page", "change_page", "publish_page"])
        # Wagtail's migration grants its default Editors group publish on the root; our
        # editors must go through review, so that grant is removed.
        GroupPagePermission.objects.filter(
            group=editors, permission__codename="publish_page"
        ).delete()
    return editors, reviewers


@transaction.atomic
def ensure_review_workflow() -> Workflow | None:
    _, reviewers = ensure_roles()
    home = HomePage.objects.first()
    if home is None:
        return None
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    # workflow_tasks is a ParentalKey relation: create the row directly so it is saved.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


def patients_group() -> Group:
    """The Patients group (a data migration creates it; this keeps it idempotent)."""
    group, _ = Group.objects.get_or_create(name=PATIENTS)
    return group


def is_patient(user) -> bool:
    """True for a signed-in member of the Patients group."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=PATIENTS).exists()


def is_primary_care(user) -> bool:
    """True for a signed-in, active member of the Primary-care clinicians group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.groups.filter(name=PRIMARY_CARE).exists()
