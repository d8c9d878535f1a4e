"""pmcrm: pure, typed domain logic for property-service CRM (物业客户关系管理).

The names most programs need are re-exported here; every module documents
the rest.  Nothing in pmcrm reads a clock, the environment or a file: time
and configuration are parameters.

>>> import pmcrm
>>> pmcrm.Money.of("12.50") + pmcrm.Money.of("0.50")
Money(amount=Decimal('13.00'), currency='CNY')
"""

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
    CurrencyMismatch,
    InvalidValue,
    PmcrmError,
    ReportEntry,
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

__all__ = [
    "Address",
    "Arrears",
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
