"""What every endpoint of /api/v1/ shares: scoping, permissions, errors, pagination, related-id fields and the
base viewsets. The endpoints themselves live in each app's `api/` package."""
