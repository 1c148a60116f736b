"""Ids read back from an address or a form only as the portal writes them.

A field's own `to_python` reads more than the portal ever writes: `int()` takes `١` (an Arabic-Indic one), ` 1`,
`01`, `+1` and `1_0` for 1 or 10, so `/admin/auth/user/١/delete/` would open the deletion of user 1 under an address
no link of the portal has.
"""

from django.core.exceptions import ValidationError


def key_as_written(field, text):
    """The value of `field` (a primary key, or another field objects are looked up by) that `text` names.

    `text` must be the value as the portal writes it (`str(value)`: ASCII digits without sign or padding for a
    number) and one the field's validators accept (they hold the range of the column); ValidationError otherwise,
    with the field's own message for a value it cannot read.
    """
    value = field.to_python(text)
    field.run_validators(value)
    if str(value) != str(text):
        message = field.error_messages.get("invalid", field.error_messages["invalid_choice"])
        raise ValidationError(message, code="invalid", params={"value": text})
    return value


def is_written_key(field, text):
    try:
        key_as_written(field, text)
    except ValidationError:
        return False
    return True
