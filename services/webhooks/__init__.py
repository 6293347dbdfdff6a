"""Webhook endpoints, their commands and the dispatcher that schedules and delivers."""
