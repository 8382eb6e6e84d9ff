"""Intake's public surface: the only module other apps import from ``yiwang.intake``."""

from .models import SUBJECT_PREFIX, Application, Channel, Material, Outcome, Status, SupplementRequest
from .selectors import access_application, applications_of
from .services import application_submit
from .uploads import Upload

__all__ = [
    "SUBJECT_PREFIX", "Application", "Channel", "Material", "Outcome", "Status", "SupplementRequest", "Upload",
    "access_application", "application_submit", "applications_of",
]
