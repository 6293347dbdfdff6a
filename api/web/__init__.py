"""The reference web client kycledger serves itself: the capture client and the evidence viewer.

Static HTML, CSS and vanilla JavaScript under ``static/`` (no build step, no CDN); the controllers
in ``controller.py`` serve the pages, ``capture_api.py`` the few client-token routes the capture page
needs beyond ``/client/sessions`` (``api.controllers.client_sessions``), and ``live.py`` the session's live
status as server-sent events.
"""
