from enum import Enum


class AnalysisBasis(str, Enum):
    ENROLLMENTS = "enrollments"
    EXPOSURES = "exposures"
