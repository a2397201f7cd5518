from django import template

register = template.Library()


@register.filter
def edit_token(obj, fields):
    """The edit token of `obj` for the comma-separated `fields`: {{ action|edit_token:"text,owner_organisations" }}."""
    return obj.edit_token([name.strip() for name in fields.split(",") if name.strip()])
