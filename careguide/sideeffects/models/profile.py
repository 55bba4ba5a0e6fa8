"""A patient's treatment profile: cancer type and treatments, from which the side-effect
check's context (on_sact, immunosuppressed, ici) is derived, plus the patient's own
corrections of that context.

Patient data: views reach it only through ``for_user`` querysets (own data) and write it
through ``careguide.sideeffects.services``.
"""

from django.conf import settings
from django.db import models

from careguide.core.models import OwnRowsQuerySet


class CancerType(models.TextChoices):
    ALL = "all", "Acute lymphoblastic leukemia (ALL)"
    AML = "aml", "Acute myeloid leukemia (AML)"
    OSTEOSARCOMA = "osteosarcoma", "Bone cancer (osteosarcoma)"
    EWING = "ewing", "Ewing sarcoma"
    OTHER_SOLID = "other_solid", "Another solid tumor (a lump or growth)"
    OTHER_BLOOD = "other_blood", "Another blood cancer (such as lymphoma or myeloma)"
    NOT_SURE = "not_sure", "I am not sure"


class TreatmentKind(models.TextChoices):
    CHEMOTHERAPY = "chemotherapy", "Chemotherapy or other cancer medicine"
    IMMUNOTHERAPY = "immunotherapy", "Immunotherapy with a checkpoint inhibitor"
    TARGETED = "targeted", "Targeted therapy"
    RADIATION = "radiation", "Radiation therapy"
    SURGERY = "surgery", "Surgery"
    TRANSPLANT = "transplant", "Stem cell transplant"


class Flag(models.TextChoices):
    ON_SACT = "on_sact", "Cancer medicine in the last 8 weeks"
    IMMUNOSUPPRESSED = "immunosuppressed", "A weak immune system"
    ICI = "ici", "Immunotherapy with a checkpoint inhibitor, now or in the past"


class ProfileQuerySet(OwnRowsQuerySet):
    owner = "patient"


class TreatmentProfile(models.Model):
    patient = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="treatment_profile")
    cancer_type = models.CharField(max_length=20, choices=CancerType.choices, blank=True)
    long_term_steroids = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    def __str__(self):
        return f"Treatment profile {self.pk}"


class Treatment(models.Model):
    """One treatment, current or past. Which dates apply depends on the kind (forms.py)."""

    profile = models.ForeignKey(TreatmentProfile, on_delete=models.CASCADE, related_name="treatments")
    kind = models.CharField(max_length=20, choices=TreatmentKind.choices)
    # The start (systemic, radiation) or the day it happened (surgery, transplant).
    start_date = models.DateField(null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    # The last dose (systemic) or the last session (radiation).
    end_date = models.DateField(null=True, blank=True)
    body_area = models.CharField(max_length=120, blank=True)  # radiation
    detail = models.CharField(max_length=200, blank=True)  # surgery: what was done

    class Meta:
        ordering = ["kind", "start_date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class CorrectionQuerySet(OwnRowsQuerySet):
    owner = "profile__patient"


class ContextCorrection(models.Model):
    """The patient's own word on one context flag, overriding what the profile implies.

    Immutable: each change is a new row, so who changed what and when stays visible. The
    newest row per flag applies; ``value`` None means "go back to what my treatments show"."""

    profile = models.ForeignKey(TreatmentProfile, on_delete=models.CASCADE, related_name="corrections")
    flag = models.CharField(max_length=20, choices=Flag.choices)
    value = models.BooleanField(null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Correction {self.pk}"
