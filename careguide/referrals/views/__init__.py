"""Referral pages: the referring doctor's (referral.py), Cancer Care intake (referral.py) and the
patient's (visit.py). What they share: no caching, who may open which page, and how an
appointment is shown."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from wagtail.models import Site

from careguide.accounts.names import display_name
from careguide.accounts.roles import is_patient, is_primary_care
from careguide.careteam import scoping
from careguide.core import sitecache
from careguide.core.http import private

from .. import services
from ..models import Appointment


def forbidden(request, audience: str):
    return private(render(request, "referrals/referral_forbidden.html", {"audience": audience}, status=403))


def _only(check, audience: str):
    """Anonymous visitors go to sign in; signed-in people of another role get a 403 page."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                return forbidden(request, audience)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


primary_care_only = _only(is_primary_care, "primary-care")
care_team_only = _only(scoping.is_care_team, "care-team")
patient_only = _only(is_patient, "patient")



@dataclass
class AppointmentView:
    appointment: Appointment
    location_name: str
    location_address: str
    location_phone: str
    clinician: str

    @property
    def is_booked(self) -> bool:
        return self.appointment.status == Appointment.Status.BOOKED


def appointment_views(request, referral) -> list[AppointmentView]:
    """The referral's appointments with the location's name (configuration) and the clinician."""
    locations = {}
    site = Site.find_for_request(request)
    if site is not None:
        locations = {loc.slug: loc for loc in sitecache.organization(site.pk).locations_list}
    rows = []
    for appointment in services.appointments_of(referral):
        where = locations.get(appointment.slot.location)
        rows.append(AppointmentView(
            appointment=appointment,
            location_name=where.name if where else appointment.slot.location,
            location_address=where.address if where else "",
            location_phone=where.phone if where else "",
            clinician=display_name(appointment.slot.clinician),
        ))
    return rows
