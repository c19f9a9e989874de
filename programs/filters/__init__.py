"""django-filter sets of the programs app, one module per concept; used by the API and the selectors."""
