from .gate import Clearance, ClearanceRequest  # noqa: F401
from .program import CheckIn, Enrollment, EnrollmentEvent  # noqa: F401
