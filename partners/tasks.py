"""Celery tasks of the partners app: adapters that take ids and run one service in the right language."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import translation

from . import services
from .models import StaffMembership


@shared_task
def send_staff_invitation(membership_id: int, invited_by_id: int, language: str) -> bool:
    """E-mail a new staff member the link to choose her password, in the language she was invited in."""
    membership = StaffMembership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    invited_by = get_user_model().objects.filter(pk=invited_by_id).first()
    if membership is None or invited_by is None:
        return False
    with translation.override(language):
        services.staff_invitation_send(membership=membership, invited_by=invited_by)
    return True
