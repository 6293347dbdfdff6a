"""Read-model views in SQL (SQLite, PostgreSQL): rows and tracking position in one transaction."""
