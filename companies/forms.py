"""Forms for companies, tenancies and MOUs (admin) and for the company portal.

Each puts its message on the field at fault, before the database constraint would refuse the row."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from companies.models import AIField, Company, CompanyMember, Mou, MouCommitment, SelfReport, Tenancy
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
        # Names, then the numbers, size and fields that identify the company, then the rest of its profile.
        fields = [
            *Company.PROFILE_FIELDS[:2],
            "brn",
            *Company.PROFILE_FIELDS[2:4],
            "ai_fields",
            *Company.PROFILE_FIELDS[4:],
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


# --- the company portal ----------------------------------------------------------------


class AIFieldChoiceField(forms.ModelMultipleChoiceField):
    """AI fields as checkboxes, named in the reader's language."""

    def label_from_instance(self, obj: AIField) -> str:
        if (get_language() or "ko").startswith("en") and obj.name_en:
            return obj.name_en
        return obj.name_ko


def _profile_layout(*, with_brn: bool) -> Layout:
    identity = ["name_ko", "name_en"]
    numbers = ["brn", "corporate_number"] if with_brn else ["corporate_number"]
    return Layout(
        Fieldset(
            _("Identity"),
            Row(*(Column(name, css_class="col-md-6") for name in identity)),
            Row(*(Column(name, css_class="col-md-6") for name in numbers)),
            Row(Column("size", css_class="col-md-6")),
            "ai_fields",
        ),
        Fieldset(
            _("Company"),
            Row(
                Column("founded_on", css_class="col-md-4"),
                Column("headcount", css_class="col-md-4"),
                Column("representative", css_class="col-md-4"),
            ),
        ),
        Fieldset(
            _("Road-name address"),
            Row(Column("sido", css_class="col-md-6"), Column("sigungu", css_class="col-md-6")),
            Row(Column("road_name", css_class="col-md-8"), Column("building_no", css_class="col-md-4")),
            Row(Column("address_detail", css_class="col-md-8"), Column("postcode", css_class="col-md-4")),
        ),
        Fieldset(
            _("Contact"),
            Row(Column("phone", css_class="col-md-4"), Column("email", css_class="col-md-8")),
            "website",
        ),
    )


class CompanyRegisterForm(CompanyForm):
    """A company registers itself in the portal. The number is checked digit by digit and against the registry."""

    ai_fields = AIFieldChoiceField(
        label=_("AI fields"),
        queryset=AIField.objects.order_by("name_ko"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta(CompanyForm.Meta):
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": "5", "autocomplete": "postal-code"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "name_en": _("As on your English business documents; leave empty if there is none."),
            "headcount": _("People employed today, full-time equivalent."),
            "sido": _("e.g. 서울특별시"),
            "sigungu": _("e.g. 서초구"),
            "road_name": _("e.g. 강남대로"),
            "building_no": _("e.g. 201"),
            "postcode": _("5 digits."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "brn" in self.fields:
            self.fields["brn"].error_messages["unique"] = _(
                "A company with this business registration number is already registered. "
                "If you act for it, claim it instead."
            )
        self.fields["website"].widget.attrs.setdefault("placeholder", "https://")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = _profile_layout(with_brn="brn" in self.fields)

    @property
    def brn_already_registered(self) -> bool:
        return self.has_error("brn", code="unique")


class CompanyProfileForm(CompanyRegisterForm):
    """An owner edits the profile. The business registration number is the company itself: the office changes it."""

    class Meta(CompanyRegisterForm.Meta):
        fields = [name for name in CompanyForm.Meta.fields if name != "brn"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout[0].fields.insert(
            1,
            HTML(
                '<p class="mb-3"><span class="form-label d-block">{label}</span>'
                '<span class="fs-5">{{{{ company.brn_display }}}}</span></p>'.format(
                    label=capfirst(Company._meta.get_field("brn").verbose_name)
                )
            ),
        )

    # The parent declares brn; the profile has none.
    brn = None


class CompanyClaimForm(forms.Form):
    brn = RegistrationNumberField(
        label=capfirst(Company._meta.get_field("brn").verbose_name),
        help_text=_("The number of the company you act for, e.g. 123-45-67890; dashes are optional."),
        validators=[validate_brn],
        placeholder="123-45-67890",
    )
    position = forms.CharField(
        label=_("Your position in the company"), max_length=100, required=False, help_text=_("e.g. CEO, manager")
    )
    message = forms.CharField(
        label=_("Message to the zone office"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the office can confirm you act for the company (a phone number, for instance)."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CompanyMember.Role.choices,
        initial=CompanyMember.Role.MEMBER,
        help_text=_("Owners can also edit the profile, invite people and deactivate members."),
    )


class WonField(forms.IntegerField):
    """An amount in whole won, typed with or without thousands separators ("150,000,000")."""

    widget = forms.TextInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").removesuffix("원").strip()
        return super().to_python(value)


class SelfReportForm(forms.ModelForm):
    """One quarter's figures. A draft may leave figures empty; a submission needs them all (0 for none)."""

    revenue_krw = WonField(
        label=capfirst(SelfReport._meta.get_field("revenue_krw").verbose_name),
        required=False,
        help_text=_("Whole won, e.g. 150,000,000."),
    )
    investment_raised_krw = WonField(
        label=capfirst(SelfReport._meta.get_field("investment_raised_krw").verbose_name),
        required=False,
        help_text=_("Whole won, 0 if none."),
    )

    FIGURES = ("headcount", "revenue_krw", "investment_raised_krw", "patents", "jobs_created")

    class Meta:
        model = SelfReport
        fields = ["headcount", "revenue_krw", "investment_raised_krw", "patents", "jobs_created", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("Anything the zone office should know about these figures.")}

    def __init__(self, *args, submitting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        for name in ("headcount", "patents", "jobs_created"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": "0"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("headcount", css_class="col-md-4"),
                Column("jobs_created", css_class="col-md-4"),
                Column("patents", css_class="col-md-4"),
            ),
            Row(Column("revenue_krw", css_class="col-md-6"), Column("investment_raised_krw", css_class="col-md-6")),
            "note",
        )

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name in self.FIGURES:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Needed to submit: type 0 if there was none."))
        return cleaned
