"""The member's page (``static/``): her statement, signed in with her phone."""
