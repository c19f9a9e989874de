"""Admin forms that carry the plan's rules: who an operator is, and who may use a special case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zones.admin.base import InlineRowsFormSet
from zones.models import ExemptionGrant, PlanOperator, ProjectArea
from zones.selectors import company_is_plan_operator


class PlanOperatorAdminForm(forms.ModelForm):
    is_company = forms.BooleanField(
        label=_("The operator is a company"),
        required=False,
        initial=True,
        help_text=_(
            "Tick for a business: it must then be linked to its registered company, "
            "or it cannot use the zone's special cases. Untick for a public body or institution."
        ),
    )

    class Meta:
        model = PlanOperator
        fields = ("zone", "sub_project", "organization_name", "role", "company", "named_on", "removed_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["is_company"] = self.instance.company_id is not None
        if "organization_name" in self.fields:
            self.fields["organization_name"].required = False
            self.fields["organization_name"].help_text = _("Left blank, the registered company's name is used.")

    def clean(self):
        cleaned = super().clean()
        company = cleaned.get("company")
        if cleaned.get("is_company") and company is None and "company" not in self.errors:
            self.add_error(
                "company",
                _("Choose the registered company: an operator that is a company must be linked to it."),
            )
        if not cleaned.get("organization_name") and "organization_name" in self.fields:
            if company is not None:
                cleaned["organization_name"] = company.name_ko
            else:
                self.add_error("organization_name", _("Give the organization's name."))
        zone = cleaned.get("zone")
        sub_project = cleaned.get("sub_project")
        if zone is not None and sub_project is not None and sub_project.project_area.zone_id != zone.pk:
            self.add_error("sub_project", _("This sub-project belongs to another zone's plan."))
        return cleaned


class SubProjectOperatorFormSet(InlineRowsFormSet):
    """Operators added on a sub-project's page belong to the sub-project's zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area_id = self.instance.project_area_id
        self.zone_id = (
            ProjectArea.objects.filter(pk=area_id).values_list("zone_id", flat=True).first() if area_id else None
        )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.zone_id is not None:
            form.instance.zone_id = self.zone_id
        return form


class ExemptionGrantAdminForm(forms.ModelForm):
    class Meta:
        model = ExemptionGrant
        fields = (
            "special_case",
            "company",
            "application",
            "status",
            "purpose",
            "conditions",
            "starts_on",
            "ends_on",
            "insurer",
            "insurance_policy_no",
            "insurance_coverage_krw",
            "certificate_no",
            "revoked_reason",
        )

    def clean(self):
        cleaned = super().clean()
        company = cleaned.get("company")
        special_case = cleaned.get("special_case")
        # Checked when the grant is made or moved; a grant already made stays editable (to revoke it,
        # say) after its company has left the plan.
        is_new_pairing = self.instance.pk is None or {"company", "special_case"} & set(self.changed_data)
        if company and special_case and is_new_pairing and not company_is_plan_operator(company, special_case.zone_id):
            message = _(
                "Only businesses named in the plan may use its special cases: "
                "%(company)s is not a current operator in the plan of %(zone)s."
            )
            self.add_error(
                "company",
                forms.ValidationError(
                    message, code="not_plan_operator", params={"company": company, "zone": special_case.zone}
                ),
            )
        application = cleaned.get("application")
        if application and company and application.company_id != company.pk:
            self.add_error(
                "application",
                forms.ValidationError(_("This application was made by another company."), code="other_company"),
            )
        return cleaned
