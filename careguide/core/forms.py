"""Small helpers shared by the apps' forms."""


def add_service_error(form, field: str | None, message: str) -> None:
    """Show an error a service raised on its field when the form has that field, else at the top
    of the form (the error summary lists both)."""
    form.add_error(field if field in form.fields else None, message)
