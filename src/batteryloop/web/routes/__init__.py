"""Page routes, one module per area; each exposes ``pages`` (a :class:`batteryloop.web.pages.Pages`)."""
