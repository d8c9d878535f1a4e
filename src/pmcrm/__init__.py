"""pmcrm: pure, typed domain logic for property-service CRM (物业客户关系管理).

The names most programs need are re-exported here; every module documents
the rest.  Nothing in pmcrm reads a clock, the environment or a file: time
and configuration are parameters.

Importing :mod:`pmcrm` is cheap: the names below are loaded from their
modules on first use.

>>> import pmcrm
>>> pmcrm.Money.of("12.50") + pmcrm.Money.of("0.50")
Money(amount=Decimal('13.00'), currency='CNY')
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmcrm.customers import (
        Arrears,
        Contact,
        ContactChannel,
        Contribution,
        ContributionKind,
        Customer,
        CustomerKind,
        Gender,
        Participation,
        PartyType,
        Preferences,
        PropertyType,
        PropertyUnit,
        Referral,
        Role,
        ServiceNeed,
        ServicePurchase,
        YearlyFee,
    )
    from pmcrm.errors import (
        CalendarCoverageError,
        CurrencyMismatch,
        InvalidValue,
        PmcrmError,
        ReportEntry,
        TransitionNotAllowed,
        ValidationError,
        ValidationReport,
    )
    from pmcrm.explain import Reason
    from pmcrm.segmentation import (
        SegmentRule,
        ValueScore,
        ValueScorePolicy,
        ValueSegment,
        classify,
        match_rule,
        score_customer,
        segment_portfolio,
    )
    from pmcrm.serialization import (
        Limits,
        PmcrmConverter,
        default_converter,
        make_converter,
        structure,
        unstructure,
    )
    from pmcrm.values import (
        Address,
        IdCardNumber,
        Label,
        LabelledEnum,
        Lang,
        MobileNumber,
        Money,
        Period,
        PersonName,
        Rate,
    )

__version__ = "0.1.0"

#: Where each re-exported name lives; loaded on first access (PEP 562).
_LAZY = {
    "Address": "pmcrm.values",
    "Arrears": "pmcrm.customers",
    "Contact": "pmcrm.customers",
    "ContactChannel": "pmcrm.customers",
    "Contribution": "pmcrm.customers",
    "ContributionKind": "pmcrm.customers",
    "CalendarCoverageError": "pmcrm.errors",
    "CurrencyMismatch": "pmcrm.errors",
    "Customer": "pmcrm.customers",
    "CustomerKind": "pmcrm.customers",
    "Gender": "pmcrm.customers",
    "IdCardNumber": "pmcrm.values",
    "InvalidValue": "pmcrm.errors",
    "Label": "pmcrm.values",
    "LabelledEnum": "pmcrm.values",
    "Lang": "pmcrm.values",
    "Limits": "pmcrm.serialization",
    "MobileNumber": "pmcrm.values",
    "Money": "pmcrm.values",
    "Participation": "pmcrm.customers",
    "PartyType": "pmcrm.customers",
    "Period": "pmcrm.values",
    "PersonName": "pmcrm.values",
    "PmcrmConverter": "pmcrm.serialization",
    "PmcrmError": "pmcrm.errors",
    "Preferences": "pmcrm.customers",
    "PropertyType": "pmcrm.customers",
    "PropertyUnit": "pmcrm.customers",
    "Rate": "pmcrm.values",
    "Reason": "pmcrm.explain",
    "Referral": "pmcrm.customers",
    "ReportEntry": "pmcrm.errors",
    "TransitionNotAllowed": "pmcrm.errors",
    "Role": "pmcrm.customers",
    "SegmentRule": "pmcrm.segmentation",
    "ServiceNeed": "pmcrm.customers",
    "ServicePurchase": "pmcrm.customers",
    "ValidationError": "pmcrm.errors",
    "ValidationReport": "pmcrm.errors",
    "ValueScore": "pmcrm.segmentation",
    "ValueScorePolicy": "pmcrm.segmentation",
    "ValueSegment": "pmcrm.segmentation",
    "YearlyFee": "pmcrm.customers",
    "classify": "pmcrm.segmentation",
    "default_converter": "pmcrm.serialization",
    "make_converter": "pmcrm.serialization",
    "match_rule": "pmcrm.segmentation",
    "score_customer": "pmcrm.segmentation",
    "segment_portfolio": "pmcrm.segmentation",
    "structure": "pmcrm.serialization",
    "unstructure": "pmcrm.serialization",
}

__all__ = [
    "Address",
    "Arrears",
    "CalendarCoverageError",
    "Contact",
    "ContactChannel",
    "Contribution",
    "ContributionKind",
    "CurrencyMismatch",
    "Customer",
    "CustomerKind",
    "Gender",
    "IdCardNumber",
    "InvalidValue",
    "Label",
    "LabelledEnum",
    "Lang",
    "Limits",
    "MobileNumber",
    "Money",
    "Participation",
    "PartyType",
    "Period",
    "PersonName",
    "PmcrmConverter",
    "PmcrmError",
    "Preferences",
    "PropertyType",
    "PropertyUnit",
    "Rate",
    "Reason",
    "Referral",
    "ReportEntry",
    "Role",
    "SegmentRule",
    "ServiceNeed",
    "ServicePurchase",
    "TransitionNotAllowed",
    "ValidationError",
    "ValidationReport",
    "ValueScore",
    "ValueScorePolicy",
    "ValueSegment",
    "YearlyFee",
    "__version__",
    "classify",
    "default_converter",
    "make_converter",
    "match_rule",
    "score_customer",
    "segment_portfolio",
    "structure",
    "unstructure",
]


def __getattr__(name: str) -> Any:
    """Load a re-exported name from its module the first time it is used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pmcrm' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazy ones included."""
    return sorted({*globals(), *__all__})
