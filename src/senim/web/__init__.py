"""Web layer shared by every domain: auth and permissions, templates, i18n, errors."""
