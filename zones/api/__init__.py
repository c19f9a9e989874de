"""The zones API: serializers, filters' use and viewsets under /api/v1/."""
