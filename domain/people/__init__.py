"""People who sign in to the console: local accounts, passwords and second factors."""
