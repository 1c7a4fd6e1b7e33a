"""The courses app's views, one module per audience: ``admin`` (the run screens in the Wagtail
admin), ``member`` (what members do) and ``calendar`` (the calendar endpoints)."""
