"""sharing's public surface: the only module other apps import from ``yiwang.sharing``.

- ``Resource``, ``SharingRequest`` and their choices: the catalogue and the requests (read-only for others).
- ``request_submit`` / ``request_answer`` …: the services, for other apps' workflows and the demo.
- Requests waiting for the provider own a core ``Clock`` (purpose ``"sharing.request"``) of
  ``YIWANG_SHARING_ANSWER_DAYS`` working days; supervision grades those clocks (docs/sharing.md).
"""

from .models import (
    Classification,
    FieldType,
    OpenAttribute,
    RequestStatus,
    Resource,
    ResourceField,
    ResourceStatus,
    SharingRequest,
    SharingType,
    UpdateCycle,
)
from .services import (
    dispute_decide,
    grant_revoke,
    request_answer,
    request_dispute,
    request_submit,
    request_withdraw,
    resource_create,
    resource_publish,
    resource_update,
    resource_withdraw,
)

__all__ = [
    "Classification", "FieldType", "OpenAttribute", "RequestStatus", "Resource", "ResourceField", "ResourceStatus",
    "SharingRequest", "SharingType", "UpdateCycle", "dispute_decide", "grant_revoke", "request_answer",
    "request_dispute", "request_submit", "request_withdraw", "resource_create", "resource_publish",
    "resource_update", "resource_withdraw",
]
