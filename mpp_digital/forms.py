"""Forms that every domain uses."""
from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A button that changes something (cancel, call next, revoke): CSRF-protected, nothing
    else."""
