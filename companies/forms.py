"""Forms for companies, tenancies and MOUs, shared by the admin and (later) the company portal.

Each puts its message on the field at fault, before the database constraint would refuse the row."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Mou, MouCommitment, Tenancy
from core.validators import (
    format_brn,
    format_corporate_number,
    normalize_digits,
    validate_brn,
    validate_corporate_number,
)


class RegistrationNumberField(forms.CharField):
    """A Korean registration number typed with or without dashes; cleans to digits only.

    The model column holds the bare digits (max_length 10 or 13), so this field has no length limit of
    its own: the validator reports a wrong length or a wrong check digit with its own message.
    """

    def __init__(self, *, placeholder: str, **kwargs) -> None:
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)
        # Room for dashes and stray spaces; the validator judges the digits.
        self.widget.attrs.update(
            {"maxlength": "20", "inputmode": "numeric", "autocomplete": "off", "placeholder": placeholder}
        )

    def to_python(self, value):
        return normalize_digits(super().to_python(value))

    def has_changed(self, initial, data) -> bool:
        # The initial value is shown with dashes; compare digits with digits.
        return normalize_digits(initial or "") != self.to_python(data)


class CompanyForm(forms.ModelForm):
    """A company's identity, address and contact. The numbers may be typed with or without dashes."""

    brn = RegistrationNumberField(
        label=capfirst(Company._meta.get_field("brn").verbose_name),
        help_text=Company._meta.get_field("brn").help_text,
        validators=[validate_brn],
        placeholder="123-45-67890",
        error_messages={
            # The model's unique check reports with the form field's message.
            "unique": _(
                "A company with this business registration number is already registered. "
                "Search the company list (archived companies included) instead of registering it again."
            ),
        },
    )
    corporate_number = RegistrationNumberField(
        label=capfirst(Company._meta.get_field("corporate_number").verbose_name),
        help_text=_("13 digits, for corporations only, e.g. 110111-1234567; dashes are optional."),
        validators=[validate_corporate_number],
        required=False,
        placeholder="110111-1234567",
    )
    website = forms.URLField(
        label=capfirst(Company._meta.get_field("website").verbose_name),
        max_length=200,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Company
        fields = [
            "name_ko",
            "name_en",
            "brn",
            "corporate_number",
            "size",
            "ai_fields",
            "founded_on",
            "headcount",
            "representative",
            "sido",
            "sigungu",
            "road_name",
            "building_no",
            "address_detail",
            "postcode",
            "phone",
            "email",
            "website",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Show stored numbers the way people write them.
        if self.instance.pk:
            self.initial["brn"] = format_brn(self.instance.brn)
            if self.instance.corporate_number:
                self.initial["corporate_number"] = format_corporate_number(self.instance.corporate_number)


class TenancyForm(forms.ModelForm):
    class Meta:
        model = Tenancy
        fields = [
            "company",
            "zone",
            "application",
            "status",
            "building",
            "space",
            "area_m2",
            "moved_in_on",
            "graduated_on",
            "ended_on",
        ]

    def clean(self):
        cleaned = super().clean()
        moved_in_on, ended_on = cleaned.get("moved_in_on"), cleaned.get("ended_on")
        if moved_in_on and ended_on and ended_on < moved_in_on:
            self.add_error("ended_on", _("A tenancy cannot end before the company moved in."))
        self._refuse_a_second_active_tenancy(cleaned)
        return cleaned

    def _refuse_a_second_active_tenancy(self, cleaned) -> None:
        # Django skips the conditional unique constraint here: its condition reads archived_at, which is
        # not a form field. Check it ourselves so the form says so instead of the database failing.
        company, zone, status = cleaned.get("company"), cleaned.get("zone"), cleaned.get("status")
        if not (company and zone) or status not in Tenancy.ACTIVE_STATUSES or self.instance.is_archived:
            return
        others = Tenancy.objects.active().filter(company=company, zone=zone, status__in=Tenancy.ACTIVE_STATUSES)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This company already has an active tenancy in this zone."), code="tenancy_one_active"
            )


class MouForm(forms.ModelForm):
    class Meta:
        model = Mou
        fields = ["zone", "company", "counterparty_name", "title", "signed_on", "ends_on", "status", "note"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("company") and not cleaned.get("counterparty_name") and "company" not in self.errors:
            self.add_error(
                "counterparty_name",
                _("Choose a registered company, or give the name of the institution that signed."),
            )
        signed_on, ends_on = cleaned.get("signed_on"), cleaned.get("ends_on")
        if signed_on and ends_on and ends_on < signed_on:
            self.add_error("ends_on", _("An MOU cannot end before it was signed."))
        return cleaned


class MouCommitmentForm(forms.ModelForm):
    """A commitment: the promise, and the actual value with its date once delivered."""

    class Meta:
        model = MouCommitment
        fields = ["kind", "description", "promised_value", "due_on", "actual_value", "actual_on", "evidence"]

    def clean(self):
        cleaned = super().clean()
        # The database refuses an actual value without its date; say so next to the date.
        if cleaned.get("actual_value") is not None and not cleaned.get("actual_on"):
            self.add_error("actual_on", _("Give the date of the actual value."))
        return cleaned
