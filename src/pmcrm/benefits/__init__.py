"""Benefits (权益与优惠): the catalogue, entitlements and the quota ledger.

* :mod:`pmcrm.benefits.catalogue` — benefit kinds and what each tier grants;
* :mod:`pmcrm.benefits.entitlements` — which benefits a customer holds, when,
  and the pricing rules of the discounts held
  (:func:`~pmcrm.benefits.entitlements.discount_rules`);
* :mod:`pmcrm.benefits.ledger` — redemptions, reversals, balances and checks.
"""

from pmcrm.benefits.catalogue import (
    BENEFITS,
    AccessKind,
    AccessRight,
    Benefit,
    Catalogue,
    ComplimentaryService,
    Discount,
    DiscountTarget,
    Grant,
    Greeting,
    Occasion,
    QuotaBenefit,
    Term,
    TermKind,
    TierBenefits,
)
from pmcrm.benefits.entitlements import (
    PROPERTY_FEE,
    Entitlement,
    ManualGrant,
    Source,
    TierSpell,
    discount_rules,
    entitlement_history,
    entitlements,
)
from pmcrm.benefits.ledger import (
    Balance,
    EntitlementError,
    QuotaLedger,
    Redemption,
    Refusal,
    Reversal,
    UseCheck,
    balance,
    can_use,
    redeem,
    reverse,
    term_window,
)

__all__ = [
    "BENEFITS",
    "PROPERTY_FEE",
    "AccessKind",
    "AccessRight",
    "Balance",
    "Benefit",
    "Catalogue",
    "ComplimentaryService",
    "Discount",
    "DiscountTarget",
    "Entitlement",
    "EntitlementError",
    "Grant",
    "Greeting",
    "ManualGrant",
    "Occasion",
    "QuotaBenefit",
    "QuotaLedger",
    "Redemption",
    "Refusal",
    "Reversal",
    "Source",
    "Term",
    "TermKind",
    "TierBenefits",
    "TierSpell",
    "UseCheck",
    "balance",
    "can_use",
    "discount_rules",
    "entitlement_history",
    "entitlements",
    "redeem",
    "reverse",
    "term_window",
]
