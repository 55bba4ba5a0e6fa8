from .check import SideEffectCheck
from .profile import ContextCorrection, Treatment, TreatmentProfile

__all__ = ["ContextCorrection", "SideEffectCheck", "Treatment", "TreatmentProfile"]
