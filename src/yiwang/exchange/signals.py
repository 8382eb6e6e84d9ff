"""Signals exchange sends to the apps above it (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# A grant was revoked (``grant``: the AccessGrant, ``revoked_by``: the user or None), inside the transaction
# that revoked it. The sharing catalogue marks the request that gave the grant as revoked.
grant_revoked = Signal()
