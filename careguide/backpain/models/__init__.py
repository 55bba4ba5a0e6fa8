from .gate import Clearance  # noqa: F401
from .program import CheckIn, Enrollment, EnrollmentEvent  # noqa: F401
